import { describe, expect, it } from 'vitest'
import { MemoryCredentialStore, type StoredCredentials } from '../src/index.js'

const entry = (accessKeyId: string, expiresAt: number): StoredCredentials => ({
  accessKeyId,
  secretAccessKey: 's',
  sessionToken: 't',
  expiresAt,
  user: 'u',
  roleArn: 'arn',
})

describe('MemoryCredentialStore', () => {
  it('is bounded: when full, the oldest issued entry goes first', () => {
    const store = new MemoryCredentialStore({ maxEntries: 3 })
    for (const key of ['A', 'B', 'C', 'D']) store.put(entry(key, Date.now() + 60_000))
    expect(store.size).toBe(3)
    expect(store.get('A')).toBeUndefined()
    expect(store.get('D')?.accessKeyId).toBe('D')
    store.close()
  })

  it('never hands out an expired entry, and drops it', () => {
    let now = 1_000_000
    const store = new MemoryCredentialStore({ now: () => now })
    store.put(entry('A', now + 1000))
    expect(store.get('A')).toBeDefined()
    now += 1000
    expect(store.get('A')).toBeUndefined()
    expect(store.size).toBe(0)
    store.close()
  })

  it('sweeps expired entries on its timer', async () => {
    let now = 1_000_000
    const store = new MemoryCredentialStore({ now: () => now, sweepIntervalMs: 10 })
    store.put(entry('A', now + 1000))
    store.put(entry('B', now + 5000))
    now += 2000
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(store.size).toBe(1)
    expect(store.get('B')).toBeDefined()
    store.close()
  })

  it('deletes on request', () => {
    const store = new MemoryCredentialStore()
    store.put(entry('A', Date.now() + 60_000))
    store.delete('A')
    expect(store.get('A')).toBeUndefined()
    store.close()
  })
})
