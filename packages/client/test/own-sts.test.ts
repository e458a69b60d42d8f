import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StsServiceError, assumeRoleWithCustomToken } from '../src/index.js'
import { startOwnSts } from './support/servers.js'

// The token carries characters that URL encoding must get right: '+' is a space unless sent as %2B.
const TOKEN = 'good+token/with=odd&chars é'

describe("against the project's own STS endpoint", () => {
  let sts: Awaited<ReturnType<typeof startOwnSts>>
  beforeAll(async () => {
    sts = await startOwnSts()
  })
  afterAll(() => sts.close())

  for (const style of ['query', 'form'] as const) {
    it(`obtains credentials the server recognises (${style} style)`, async () => {
      const before = sts.requests.length
      const result = await assumeRoleWithCustomToken({ endpoint: sts.url, token: TOKEN, roleArn: sts.roleArn, style })
      const sent = sts.requests.slice(before)
      expect(sent).toHaveLength(1)
      expect(sent[0]!.method).toBe('POST')
      if (style === 'query') {
        expect(new URL(sent[0]!.url, sts.url).searchParams.get('Token')).toBe(TOKEN)
        expect(sent[0]!.headers['content-type']).toBeUndefined()
      } else {
        expect(sent[0]!.url).toBe('/')
        expect(sent[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded')
      }
      const { credentials } = result
      expect(credentials.accessKeyId).toMatch(/^[0-9A-Z]{20}$/)
      expect(credentials.secretAccessKey).toMatch(/^[A-Za-z0-9+]{40}$/)
      expect(result.assumedUser).toBe('custom:alice')
      expect(result.requestId).toMatch(/\S/)
      // The server itself vouches for the pair: these are the credentials it issued, for this user and role.
      const verified = await sts.sts.verify(credentials.accessKeyId, credentials.sessionToken)
      expect(verified.user).toBe('alice')
      expect(verified.role.arn).toBe(sts.roleArn)
      expect(verified.expiration.getTime()).toBe(credentials.expiration.getTime())
    })
  }

  it('passes DurationSeconds and gets that validity', async () => {
    const start = Date.now()
    const { credentials } = await assumeRoleWithCustomToken({
      endpoint: sts.url,
      token: 'good',
      roleArn: sts.roleArn,
      durationSeconds: 900,
    })
    const seconds = (credentials.expiration.getTime() - start) / 1000
    expect(seconds).toBeGreaterThan(895)
    expect(seconds).toBeLessThanOrEqual(901)
  })

  for (const style of ['query', 'form'] as const) {
    it(`turns a denial into StsServiceError AccessDenied 403, sent once, token nowhere (${style})`, async () => {
      const token = 'denied-secret-token-XYZ'
      const before = sts.requests.length
      const error = await assumeRoleWithCustomToken({
        endpoint: sts.url,
        token,
        roleArn: sts.roleArn,
        style,
        retries: 3,
        retryBaseDelayMs: 1,
      }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StsServiceError)
      const e = error as StsServiceError
      expect(e.code).toBe('ERR_STS_SERVICE')
      expect(e.stsCode).toBe('AccessDenied')
      expect(e.stsMessage).toBe('unknown token')
      expect(e.status).toBe(403)
      expect(e.requestId).toMatch(/\S/)
      expect(e.retryable).toBe(false)
      expect(sts.requests.length - before).toBe(1)
      expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain(token)
    })
  }

  it('retries IDPCommunicationError, then reports it', async () => {
    const before = sts.requests.length
    const error = await assumeRoleWithCustomToken({
      endpoint: sts.url,
      token: 'boom',
      roleArn: sts.roleArn,
      retries: 2,
      retryBaseDelayMs: 1,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StsServiceError)
    expect((error as StsServiceError).stsCode).toBe('IDPCommunicationError')
    expect((error as StsServiceError).status).toBe(400)
    expect(sts.requests.length - before).toBe(3)
  })

  it('refuses an unknown role with InvalidParameterValue, without retrying', async () => {
    const before = sts.requests.length
    const error = await assumeRoleWithCustomToken({
      endpoint: sts.url,
      token: 'good',
      roleArn: 'arn:minio:iam:::role/idmp-nope',
    }).catch((e: unknown) => e)
    expect((error as StsServiceError).stsCode).toBe('InvalidParameterValue')
    expect((error as StsServiceError).status).toBe(400)
    expect(sts.requests.length - before).toBe(1)
  })
})
