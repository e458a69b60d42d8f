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

  it('keeps evicting the oldest across deletes, re-puts and emptying, as a plain ordered list would', () => {
    const max = 5
    const store = new MemoryCredentialStore({ maxEntries: max })
    let model: string[] = [] // insertion order, oldest first
    const put = (key: string) => {
      model = model.filter((k) => k !== key)
      while (model.length >= max) model.shift()
      model.push(key)
      store.put(entry(key, Date.now() + 60_000))
    }
    const remove = (key: string) => {
      model = model.filter((k) => k !== key)
      store.delete(key)
    }
    // A fixed pseudo-random walk: puts of new and existing keys, deletes, and twice a store emptied to nothing.
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 12
    for (let step = 0; step < 400; step++) {
      const key = `K${next()}`
      if (step % 97 === 0) for (const k of [...model]) remove(k)
      else if (step % 5 === 0) remove(key)
      else put(key)
      expect(store.size).toBe(model.length)
    }
    for (let k = 0; k < 12; k++) expect(store.get(`K${k}`) !== undefined).toBe(model.includes(`K${k}`))
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
