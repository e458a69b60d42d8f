/**
 * Every refusal, provoked end to end over HTTP through the gateway (requireCredentials, then the handler reading
 * the body through verifyBody), with requests signed by @aws-sdk/client-s3 wherever the SDK can make them; each
 * answers S3's code and status. The clock is the gateway's (createSts `now`), moved by the test.
 */
import { type S3Client, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { type TemporaryCredentials, assumeRoleWithCustomToken } from '@custom-token-sts/client'
import { Readable, Transform } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { awsChunkedBody, awsChunkedLength } from '../../../packages/core/test/aws-chunked-signer.js'
import { type Gateway, ROLE_ARN, s3Client, s3Error, startGateway } from './support.js'

type Handler = (args: { request: { headers: Record<string, string>; body?: unknown } }) => Promise<unknown>

/** Runs `change` on the request the SDK is about to send: after signing, or before it (`when: 'before'`). */
function intercept(client: S3Client, change: (request: { headers: Record<string, string>; body?: unknown }) => void, when: 'before' | 'after' = 'after') {
  client.middlewareStack.addRelativeTo(
    (next: Handler) => async (args: Parameters<Handler>[0]) => {
      change(args.request)
      return next(args)
    },
    { relation: when, toMiddleware: 'httpSigningMiddleware', name: `test-${when}-signing` },
  )
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof S3ServiceException)) throw new Error(`expected an S3 error, got ${String(error)}`)
  return { status: error.$metadata.httpStatusCode, code: error.name, requestId: error.$metadata.requestId }
}

describe('failures through the gateway answer S3 codes and statuses', () => {
  let gateway: Gateway
  let alice: TemporaryCredentials
  let bob: TemporaryCredentials
  const clients: S3Client[] = []
  const client = (credentials: Partial<TemporaryCredentials> & object, extra: Parameters<typeof s3Client>[2] = {}) => {
    const c = s3Client(gateway.endpoint, 'unused', { maxAttempts: 1, credentials: { ...alice, ...credentials }, ...extra })
    clients.push(c)
    return c
  }
  const issue = async (token: string) => (await assumeRoleWithCustomToken({ endpoint: gateway.endpoint, token, roleArn: ROLE_ARN })).credentials
  const list = (c: S3Client) => c.send(new ListObjectsV2Command({ Bucket: 'data-science' }))

  beforeAll(async () => {
    gateway = await startGateway()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await gateway?.close()
  })
  beforeEach(async () => {
    gateway.state.offsetMs = 0
    alice = await issue('aaa')
    bob = await issue('bbb')
  })

  it('the credentials work as issued (the baseline of every case below)', async () => {
    expect((await list(client(alice))).$metadata.httpStatusCode).toBe(200)
  })

  it('anonymous: AccessDenied 403', async () => {
    expect(await s3Error(await fetch(`${gateway.endpoint}/data-science?list-type=2`))).toMatchObject({ status: 403, code: 'AccessDenied' })
  })

  it('tampered signature: SignatureDoesNotMatch 403', async () => {
    const c = client(alice)
    intercept(c, (r) => {
      r.headers.authorization = r.headers.authorization!.replace(/[0-9a-f]$/, (d) => (d === '0' ? '1' : '0'))
    })
    expect(await refusal(list(c))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
  })

  it('tampered body under a signed hash: XAmzContentSHA256Mismatch 400, nothing stored', async () => {
    const c = client(alice)
    intercept(c, (r) => {
      r.body = Buffer.from('the body sent!!')
    })
    const result = await refusal(c.send(new PutObjectCommand({ Bucket: 'data-science', Key: 'hashed.txt', Body: 'the body signed' })))
    expect(result).toMatchObject({ status: 400, code: 'XAmzContentSHA256Mismatch' })
    expect(await gateway.storage.head('data-science', 'hashed.txt')).toBeUndefined()
  })

  describe('chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), request signed by the SDK, chunks by the test encoder', () => {
    const payload = Buffer.alloc(300_000)
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 256
    const chunkSize = 64 * 1024

    function chunkedClient(tamper: (body: Buffer) => void) {
      const c = client(alice)
      intercept(
        c,
        (r) => {
          r.headers['x-amz-content-sha256'] = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
          r.headers['content-encoding'] = 'aws-chunked'
          r.headers['x-amz-decoded-content-length'] = String(payload.length)
          r.headers['content-length'] = String(awsChunkedLength(payload.length, chunkSize))
        },
        'before',
      )
      intercept(c, (r) => {
        const amzDate = r.headers['x-amz-date']!
        const body = awsChunkedBody(payload, chunkSize, {
          secretAccessKey: alice.secretAccessKey,
          scope: { date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' },
          amzDate,
          seedSignature: /Signature=([0-9a-f]{64})/.exec(r.headers.authorization!)![1]!,
        })
        tamper(body)
        r.body = body
      })
      return c
    }
    const put = (c: S3Client, key: string) => c.send(new PutObjectCommand({ Bucket: 'data-science', Key: key, Body: Buffer.alloc(payload.length) }))

    it('is stored when every chunk verifies', async () => {
      await put(chunkedClient(() => {}), 'chunked.bin')
      const got = await client(alice).send(new GetObjectCommand({ Bucket: 'data-science', Key: 'chunked.bin' }))
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(payload)).toBe(true)
    })

    it('tampered chunk: SignatureDoesNotMatch 403, nothing stored', async () => {
      // In the third chunk: two chunks were verified and written to the temporary file, then thrown away.
      const result = await refusal(put(chunkedClient((body) => (body[2 * chunkSize + 500]! ^= 1)), 'tampered.bin'))
      expect(result).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' })
      expect(await gateway.storage.head('data-science', 'tampered.bin')).toBeUndefined()
    })
  })

  describe('stream upload with a checksum trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER), as the SDK sends it', () => {
    const data = Buffer.alloc(200_000, 'a')
    const put = (c: S3Client, key: string) =>
      c.send(new PutObjectCommand({ Bucket: 'data-science', Key: key, Body: Readable.from([data]), ContentLength: data.length }))

    it('a byte altered in transit: BadDigest 400, nothing stored', async () => {
      const c = client(alice)
      intercept(c, (r) => {
        let seen = 0
        r.body = (r.body as Readable).pipe(
          new Transform({
            transform(chunk: Buffer, _encoding, done) {
              const copy = Buffer.from(chunk)
              if (seen <= 1000 && 1000 < seen + copy.length) copy[1000 - seen]! ^= 1
              seen += copy.length
              done(null, copy)
            },
          }),
        )
      })
      expect(await refusal(put(c, 'altered.bin'))).toMatchObject({ status: 400, code: 'BadDigest' })
      expect(await gateway.storage.head('data-science', 'altered.bin')).toBeUndefined()
    })

    it('a checksum the core does not implement (CRC64NVME): NotImplemented 501', async () => {
      const c = client(alice)
      intercept(c, (r) => (r.headers['x-amz-trailer'] = 'x-amz-checksum-crc64nvme'), 'before')
      expect(await refusal(put(c, 'crc64.bin'))).toMatchObject({ status: 501, code: 'NotImplemented' })
    })
  })

  it('wrong session token: InvalidToken 400', async () => {
    expect(await refusal(list(client({ ...alice, sessionToken: `${alice.sessionToken.slice(0, -4)}AAAA` })))).toMatchObject({
      status: 400,
      code: 'InvalidToken',
    })
  })

  it("another access key's session token: InvalidToken 400", async () => {
    expect(await refusal(list(client({ ...alice, sessionToken: bob.sessionToken })))).toMatchObject({ status: 400, code: 'InvalidToken' })
  })

  it('unknown access key: InvalidAccessKeyId 403', async () => {
    expect(await refusal(list(client({ ...alice, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' })))).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    })
  })

  it('expired credentials: ExpiredToken 400 (server clock and client clock both an hour on)', async () => {
    const later = 3600_000 + 5_000
    gateway.state.offsetMs = later
    expect(await refusal(list(client(alice, { systemClockOffset: later })))).toMatchObject({ status: 400, code: 'ExpiredToken' })
  })

  it('revoked credentials: InvalidAccessKeyId 403, by key and by user; credentials issued after work', async () => {
    await gateway.sts.revoke(alice.accessKeyId)
    expect(await refusal(list(client(alice)))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' })
    const second = await issue('aaa')
    expect((await list(client(second))).$metadata.httpStatusCode).toBe(200)
    gateway.state.offsetMs = 1 // revokeUser covers what was issued up to now
    await gateway.sts.revokeUser('Alice')
    expect(await refusal(list(client(second)))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' })
    gateway.state.offsetMs = 2
    expect((await list(client(await issue('aaa')))).$metadata.httpStatusCode).toBe(200)
  })

  it('skewed clock: RequestTimeTooSkewed 403, both ways', async () => {
    for (const skew of [-16 * 60_000, 16 * 60_000]) {
      expect(await refusal(list(client(alice, { systemClockOffset: skew })))).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' })
    }
    expect((await list(client(alice, { systemClockOffset: -14 * 60_000 }))).$metadata.httpStatusCode).toBe(200)
  })

  it('expired presigned URL: AccessDenied 403', async () => {
    await client(alice).send(new PutObjectCommand({ Bucket: 'data-science', Key: 'p.txt', Body: 'p' }))
    const url = await getSignedUrl(client(alice), new GetObjectCommand({ Bucket: 'data-science', Key: 'p.txt' }), { expiresIn: 1 })
    expect((await fetch(url)).status).toBe(200)
    gateway.state.offsetMs = 2_000
    const response = await fetch(url)
    expect(await s3Error(response.clone())).toMatchObject({ status: 403, code: 'AccessDenied' })
    expect(await response.text()).toContain('Request has expired')
  })

  it('wrong region: AuthorizationHeaderMalformed 400', async () => {
    expect(await refusal(list(client(alice, { region: 'eu-west-1' })))).toMatchObject({ status: 400, code: 'AuthorizationHeaderMalformed' })
  })

  it('malformed Authorization header: AuthorizationHeaderMalformed 400', async () => {
    const response = await fetch(`${gateway.endpoint}/data-science?list-type=2`, {
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=${alice.accessKeyId}/2026, SignedHeaders=host, Signature=${'0'.repeat(64)}`, 'x-amz-date': '20260101T000000Z' },
    })
    expect(await s3Error(response)).toMatchObject({ status: 400, code: 'AuthorizationHeaderMalformed' })
  })

  it('a bucket the claims do not name: AccessDenied 403', async () => {
    expect(await refusal(client(alice).send(new ListObjectsV2Command({ Bucket: 'finance' })))).toMatchObject({ status: 403, code: 'AccessDenied' })
  })
})
