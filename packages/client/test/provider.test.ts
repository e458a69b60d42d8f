import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StsServiceError, fromCustomToken } from '../src/index.js'
import { startOwnSts, startServer } from './support/servers.js'

describe('fromCustomToken: caching, refresh and single flight', () => {
  // One clock for the server (issuing) and the client (caching): time moves only when the test says so.
  let clock = Date.UTC(2030, 0, 1)
  const now = () => clock
  let sts: Awaited<ReturnType<typeof startOwnSts>>
  let denyAll = false
  beforeAll(async () => {
    sts = await startOwnSts({
      now,
      identify: () => {
        if (denyAll) throw new Error('identity provider down')
        return { user: 'short', maxValiditySeconds: 900 }
      },
    })
  })
  afterAll(() => sts.close())

  const provider = (extra = {}) =>
    fromCustomToken({ endpoint: sts.url, token: 'good', roleArn: sts.roleArn, now, retries: 0, ...extra })

  it('answers 50 parallel callers with one STS request', async () => {
    const before = sts.requests.length
    const credentials = fromCustomToken({ endpoint: sts.url, token: 'good', roleArn: sts.roleArn, now })
    const results = await Promise.all(Array.from({ length: 50 }, () => credentials()))
    expect(sts.requests.length - before).toBe(1)
    expect(new Set(results.map((r) => r.accessKeyId)).size).toBe(1)
  })

  it('keeps credentials until refreshBeforeMs before expiry, then renews them, once, for parallel callers', async () => {
    const before = sts.requests.length
    const credentials = provider() // 900 s credentials, default margin 300 s: renewal due at 600 s
    const first = await credentials()
    expect(first.expiration.getTime()).toBe(clock + 900_000)
    clock += 599_000
    expect((await credentials()).accessKeyId).toBe(first.accessKeyId)
    expect(sts.requests.length - before).toBe(1)
    clock += 1_000
    const renewed = await Promise.all(Array.from({ length: 50 }, () => credentials()))
    expect(sts.requests.length - before).toBe(2)
    expect(new Set(renewed.map((r) => r.accessKeyId))).toEqual(new Set([renewed[0]!.accessKeyId]))
    expect(renewed[0]!.accessKeyId).not.toBe(first.accessKeyId)
    expect(renewed[0]!.expiration.getTime()).toBe(clock + 900_000)
    // The renewed credentials are the server's own.
    const verified = await sts.sts.verify(renewed[0]!.accessKeyId, renewed[0]!.sessionToken)
    expect(verified.user).toBe('short')
  })

  it('caps the margin at half the lifetime, so renewal never waits past expiry nor happens on every call', async () => {
    const before = sts.requests.length
    const credentials = provider({ refreshBeforeMs: 3_600_000 }) // an hour of margin for 15-minute credentials
    const first = await credentials()
    clock += 449_000
    expect((await credentials()).accessKeyId).toBe(first.accessKeyId)
    clock += 1_000
    expect((await credentials()).accessKeyId).not.toBe(first.accessKeyId)
    expect(sts.requests.length - before).toBe(2)
  })

  it('forceRefresh skips the cache', async () => {
    const credentials = provider()
    const first = await credentials()
    const forced = await credentials({ forceRefresh: true })
    expect(forced.accessKeyId).not.toBe(first.accessKeyId)
  })

  it('keeps handing out still-valid credentials when a renewal fails, and fails once they expire', async () => {
    const credentials = provider()
    const first = await credentials()
    denyAll = true
    try {
      clock += 700_000 // in the renewal window, 200 s before expiry
      expect((await credentials()).accessKeyId).toBe(first.accessKeyId)
      clock += 200_000 // expired
      const error = await credentials().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StsServiceError)
      expect((error as StsServiceError).stsCode).toBe('IDPCommunicationError')
    } finally {
      denyAll = false
    }
  })

  it('does not cache a failure: the next call asks again', async () => {
    const before = sts.requests.length
    const credentials = provider()
    denyAll = true
    await expect(credentials()).rejects.toBeInstanceOf(StsServiceError)
    denyAll = false
    await expect(credentials()).resolves.toHaveProperty('accessKeyId')
    expect(sts.requests.length - before).toBe(2)
  })

  it('refuses bad options at construction time', () => {
    expect(() => fromCustomToken({ endpoint: 'not a url', token: 'x', roleArn: 'a' })).toThrow(/endpoint/)
    expect(() => fromCustomToken({ endpoint: sts.url, token: '', roleArn: 'a' })).toThrow(/token/)
    expect(() => fromCustomToken({ endpoint: sts.url, token: 'x', roleArn: '' })).toThrow(/roleArn/)
  })
})

describe('fromCustomToken with near-expiry answers from a test server', () => {
  it('renews when the server issues credentials about to expire', async () => {
    let n = 0
    // Each answer expires 2 s after it is sent: with the default margin, every call must renew.
    const server = await startServer((_req, res) => {
      n++
      const expiration = new Date(Date.now() + 2000).toISOString()
      res.writeHead(200, { 'content-type': 'application/xml' })
      res.end(
        `<AssumeRoleWithCustomTokenResponse><AssumeRoleWithCustomTokenResult><Credentials><AccessKeyId>AK${n}</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleWithCustomTokenResult></AssumeRoleWithCustomTokenResponse>`,
      )
    })
    try {
      const credentials = fromCustomToken({ endpoint: server.url, token: 't', roleArn: 'r', refreshBeforeMs: 1500 })
      expect((await credentials()).accessKeyId).toBe('AK1')
      expect((await credentials()).accessKeyId).toBe('AK1') // margin capped at half of 2 s: still fresh
      await new Promise((r) => setTimeout(r, 1100))
      expect((await credentials()).accessKeyId).toBe('AK2')
      expect(server.requests).toHaveLength(2)
    } finally {
      await server.close()
    }
  })
})
