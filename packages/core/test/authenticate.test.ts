import { type IncomingHttpHeaders, type Server, createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpRequest } from '@smithy/protocol-http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type StoredCredentials, type Sts, createSts, s3ErrorResponse } from '../src/index.js'
import { type Credentials, T0, appSts, issue, sha256, signer } from './support/s3-signing.js'
import { awsChunkedBody, awsChunkedLength } from './aws-chunked-signer.js'

/**
 * Requests signed by the AWS SDK's own signer (@smithy/signature-v4) with credentials from `sts.handle()`, sent over
 * loopback to a node:http server that authenticates them with `sts.authenticate` and reads the body through
 * `verifyBody`, as a framework middleware would.
 */

let clock = T0


let sts: Sts
let server: Server
let port: number
let received: Buffer | undefined



beforeAll(async () => {
  server = createServer(async (req, res) => {
    const request = { method: req.method!, url: req.url!, headers: req.headers }
    received = undefined
    const chunks: Buffer[] = []
    try {
      const auth = await sts.authenticate(request)
      try {
        for await (const b of auth.verifyBody(req)) chunks.push(Buffer.from(b))
      } finally {
        received = Buffer.concat(chunks)
      }
      const body = Buffer.concat(chunks)
      const { principal } = auth
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          user: principal.user,
          accessKeyId: principal.accessKeyId,
          roleArn: principal.roleArn,
          policy: principal.policy,
          team: principal.claims.team,
          expiration: principal.expiration.toISOString(),
          via: auth.via,
          payload: auth.payload,
          length: body.length,
          sha256: sha256(body),
        }),
      )
    } catch (error) {
      const answer = s3ErrorResponse(error, request)
      res.writeHead(answer.status, answer.headers)
      res.end(answer.body)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

beforeEach(() => {
  clock = T0
  sts = appSts(() => clock)
})

interface Sent {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: Record<string, unknown>
  code: string | undefined
}

function send(method: string, target: string, headers: Record<string, string>, body?: Buffer | string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (b: Buffer) => parts.push(b))
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8')
        let json: Record<string, unknown> = {}
        if (res.headers['content-type'] === 'application/json') json = JSON.parse(text)
        resolve({ status: res.statusCode!, headers: res.headers, text, json, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

interface SignOptions {
  method?: string
  /** Already encoded, as S3 clients put it on the wire and sign it. */
  path?: string
  query?: Record<string, string | string[]>
  /** The query as put on the wire; default: built from `query`. */
  rawQuery?: string
  headers?: Record<string, string>
  body?: Buffer | string
  region?: string
  date?: number
  host?: string
}


const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
const buildQuery = (query: Record<string, string | string[]>) =>
  Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${rfc3986(k)}=${rfc3986(x)}`))
    .join('&')

function httpRequestFor(o: SignOptions): HttpRequest {
  return new HttpRequest({
    method: o.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: o.path ?? '/photos/cat.jpg',
    query: o.query ?? {},
    headers: { host: o.host ?? `127.0.0.1:${port}`, ...o.headers },
    body: o.body,
  })
}

/** Signs with smithy (Authorization header) and sends; returns the answer. */
async function signedSend(credentials: Credentials, o: SignOptions = {}): Promise<Sent> {
  const signed = await signHeaders(credentials, o)
  return send(o.method ?? 'GET', target(o), signed, o.body)
}

async function signHeaders(credentials: Credentials, o: SignOptions = {}): Promise<Record<string, string>> {
  const signed = await signer(credentials, o.region).sign(httpRequestFor(o), { signingDate: new Date(o.date ?? clock) })
  return signed.headers as Record<string, string>
}

const target = (o: SignOptions) => {
  const q = o.rawQuery ?? buildQuery(o.query ?? {})
  return (o.path ?? '/photos/cat.jpg') + (q ? `?${q}` : '')
}

async function presignedUrl(credentials: Credentials, o: SignOptions & { expiresIn?: number } = {}): Promise<string> {
  const req = httpRequestFor({ ...o, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...o.headers } })
  const signed = await signer(credentials, o.region).presign(req, { expiresIn: o.expiresIn ?? 300, signingDate: new Date(o.date ?? clock) })
  return `http://127.0.0.1:${port}${signed.path}?${buildQuery(signed.query as Record<string, string>)}`
}

const unsigned = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }

describe('header authentication', () => {
  it('accepts UNSIGNED-PAYLOAD and returns the principal', async () => {
    const creds = await issue(sts, 'alice')
    const answer = await signedSend(creds, { headers: unsigned })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({
      user: 'alice',
      accessKeyId: creds.accessKeyId,
      roleArn: sts.roleArns[0],
      policy: { buckets: ['photos'] },
      team: 'team-alice',
      expiration: new Date(T0 + 3600_000).toISOString(),
      via: 'header',
      payload: 'unsigned',
      length: 0,
      sha256: sha256(''),
    })
  })

  it('checks every request alike when the same credentials come back, across a change of signing day', async () => {
    clock = Date.UTC(2026, 0, 15, 23, 50, 0)
    const creds = await issue(sts, 'alice')
    for (const date of [clock, clock + 5 * 60_000, Date.UTC(2026, 0, 16, 0, 5, 0)]) {
      clock = date
      expect((await signedSend(creds, { headers: unsigned, date })).status).toBe(200)
      const tampered = await signedSend({ ...creds, secretAccessKey: `${creds.secretAccessKey.slice(1)}x` }, { headers: unsigned, date })
      expect(tampered.status).toBe(403)
      const otherToken = await signedSend({ ...creds, sessionToken: `${creds.sessionToken}x` }, { headers: unsigned, date })
      expect(otherToken.status).toBe(400)
    }
  })

  it('accepts a hashed payload whose body matches, and hands the body on', async () => {
    const creds = await issue(sts, 'alice')
    const body = Buffer.from('hello, signed world\n'.repeat(1000))
    const answer = await signedSend(creds, { method: 'PUT', body, headers: { 'x-amz-content-sha256': sha256(body) } })
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ payload: 'sha256', length: body.length, sha256: sha256(body) })
  })

  it('refuses a body that does not match x-amz-content-sha256 with XAmzContentSHA256Mismatch, at its end', async () => {
    const creds = await issue(sts, 'alice')
    const headers = await signHeaders(creds, { method: 'PUT', headers: { 'x-amz-content-sha256': sha256('the body signed') } })
    const answer = await send('PUT', '/photos/cat.jpg', headers, 'the body sent!!')
    expect([answer.status, answer.code]).toEqual([400, 'XAmzContentSHA256Mismatch'])
    expect(received?.toString()).toBe('the body sent!!')
  })

  it('without x-amz-date reads Date; neither is AccessDenied 400, an unreadable one MalformedDate 400', async () => {
    const creds = await issue(sts, 'alice')
    const headers = await signHeaders(creds, { headers: unsigned })
    const { 'x-amz-date': xAmzDate, ...rest } = headers
    // smithy signed x-amz-date, so with only Date the date is read and the signature then fails over the lost header.
    expect((await send('GET', '/photos/cat.jpg', { ...rest, date: new Date(clock).toUTCString() })).code).toBe('SignatureDoesNotMatch')
    const none = await send('GET', '/photos/cat.jpg', rest)
    expect([none.status, none.code]).toEqual([400, 'AccessDenied'])
    expect(none.text).toContain('AWS authentication requires a valid Date or x-amz-date header')
    const bad = await send('GET', '/photos/cat.jpg', { ...rest, 'x-amz-date': `${xAmzDate}x` })
    expect([bad.status, bad.code]).toEqual([400, 'MalformedDate'])
  })

  it('accepts a chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), verifying every chunk', async () => {
    const creds = await issue(sts, 'alice')
    const payload = Buffer.alloc(200_000)
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) % 251
    const chunkSize = 64 * 1024
    const headers = await signHeaders(creds, {
      method: 'PUT',
      headers: {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(payload.length),
        'content-length': String(awsChunkedLength(payload.length, chunkSize)),
      },
    })
    const seedSignature = /Signature=([0-9a-f]{64})/.exec(headers.authorization!)![1]!
    const amzDate = headers['x-amz-date']!
    const scope = { date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' }
    const body = awsChunkedBody(payload, chunkSize, { secretAccessKey: creds.secretAccessKey, scope, amzDate, seedSignature })
    const answer = await send('PUT', '/photos/big.bin', headers, body)
    // The path differs from the one signed: proves the server checks it.
    expect(answer.code).toBe('SignatureDoesNotMatch')

    const good = await send('PUT', '/photos/cat.jpg', headers, body)
    expect(good.status).toBe(200)
    expect(good.json).toMatchObject({ payload: 'streaming', length: payload.length, sha256: sha256(payload) })

    const tampered = Buffer.from(body)
    tampered[body.length - 2000]! ^= 1 // in the last data chunk
    const bad = await send('PUT', '/photos/cat.jpg', headers, tampered)
    expect([bad.status, bad.code]).toEqual([403, 'SignatureDoesNotMatch'])
    expect(received!.length).toBe(3 * chunkSize) // only the chunks verified before the tampered one

    const forged = awsChunkedBody(payload, chunkSize, { secretAccessKey: 'x'.repeat(40), scope, amzDate, seedSignature })
    expect((await send('PUT', '/photos/cat.jpg', headers, forged)).code).toBe('SignatureDoesNotMatch')
  })

  it('refuses a chunked upload without x-amz-decoded-content-length (MissingContentLength, 411)', async () => {
    const creds = await issue(sts, 'alice')
    const answer = await signedSend(creds, {
      method: 'PUT',
      headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' },
      body: '',
    })
    expect([answer.status, answer.code]).toEqual([411, 'MissingContentLength'])
  })
})

describe('presigned URLs', () => {
  it('a presigned GET works with plain fetch', async () => {
    const creds = await issue(sts, 'bob')
    const url = await presignedUrl(creds, { query: { 'response-content-type': 'text/plain' } })
    expect(url).toContain('X-Amz-Security-Token=')
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ user: 'bob', via: 'query', payload: 'unsigned' })
  })

  it('an expired presigned URL is AccessDenied "Request has expired" (403)', async () => {
    const creds = await issue(sts, 'bob')
    const url = await presignedUrl(creds, { expiresIn: 60 })
    clock += 61_000
    const res = await fetch(url)
    const text = await res.text()
    expect(res.status).toBe(403)
    expect(text).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>')
    expect(text).toContain('<Resource>/photos/cat.jpg</Resource>')
    expect(text).not.toContain(creds.sessionToken)
  })

  it('refuses X-Amz-Expires above a week, a tampered signature, and a URL signed for the future', async () => {
    const creds = await issue(sts, 'bob')
    const url = await presignedUrl(creds)
    const week = url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801')
    let res = await fetch(week)
    expect([res.status, /<Code>(\w+)/.exec(await res.text())?.[1]]).toEqual([400, 'AuthorizationQueryParametersError'])
    const sig = /X-Amz-Signature=([0-9a-f]+)/.exec(url)![1]!
    res = await fetch(url.replace(sig, sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0')))
    expect([res.status, /<Code>(\w+)/.exec(await res.text())?.[1]]).toEqual([403, 'SignatureDoesNotMatch'])
    res = await fetch(await presignedUrl(creds, { date: clock + 20 * 60_000 }))
    expect(await res.text()).toContain('<Message>Request is not valid yet</Message>')
  })
})

describe('canonicalisation as clients sign', () => {
  it('repeated query keys, in any order on the wire', async () => {
    const creds = await issue(sts, 'alice')
    const answer = await signedSend(creds, {
      headers: unsigned,
      query: { tag: ['b', 'a', ''], list: 'x' },
      rawQuery: 'tag=a&list=x&tag=&tag=b',
    })
    expect(answer.status).toBe(200)
  })

  it('spaces, unicode and + in keys and values: %20, raw +, %2B, UTF-8', async () => {
    const creds = await issue(sts, 'alice')
    const answer = await signedSend(creds, {
      headers: unsigned,
      path: `/photos/${rfc3986('ünï cödé+1.jpg')}`,
      query: { 'a b': 'c d', 'e+f': '1+1=2', 'ü': 'ö/ä' },
      rawQuery: 'a+b=c%20d&e%2Bf=1%2B1%3D2&%C3%BC=%C3%B6/%C3%A4',
    })
    expect(answer.status).toBe(200)
  })

  it('a path character the client left unencoded on the wire', async () => {
    const creds = await issue(sts, 'alice')
    const headers = await signHeaders(creds, { headers: unsigned, path: '/photos/a%21b' })
    expect((await send('GET', '/photos/a!b', headers)).status).toBe(200)
  })

  it('header values trimmed, inner runs of spaces collapsed', async () => {
    const creds = await issue(sts, 'alice')
    const headers = await signHeaders(creds, { headers: { ...unsigned, 'x-amz-meta-note': 'a b c' } })
    const answer = await send('GET', '/photos/cat.jpg', { ...headers, 'x-amz-meta-note': '  a   b    c ' })
    expect(answer.status).toBe(200)
  })

  it('the host header with and without a port, as the client signed it', async () => {
    const creds = await issue(sts, 'alice')
    for (const host of [`127.0.0.1:${port}`, 'localhost', 's3.example.test:9000']) {
      const headers = await signHeaders(creds, { headers: unsigned, host })
      expect((await send('GET', '/photos/cat.jpg', headers)).status).toBe(200)
    }
    const headers = await signHeaders(creds, { headers: unsigned, host: 'localhost' })
    expect((await send('GET', '/photos/cat.jpg', { ...headers, host: `localhost:${port}` })).code).toBe('SignatureDoesNotMatch')
  })
})

describe('refusals, with S3 codes and statuses', () => {
  const expectError = (answer: Sent, status: number, code: string) => {
    expect([answer.status, answer.code]).toEqual([status, code])
    expect(answer.headers['content-type']).toBe('application/xml')
    expect(answer.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>\w+<\/Code><Message>[^<]+<\/Message><Resource>[^<]*<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/)
  }

  it('tampered signature: SignatureDoesNotMatch 403', async () => {
    const creds = await issue(sts, 'alice')
    const headers = await signHeaders(creds, { headers: unsigned })
    headers.authorization = headers.authorization!.replace(/Signature=(.)/, (_, c: string) => `Signature=${c === 'a' ? 'b' : 'a'}`)
    expectError(await send('GET', '/photos/cat.jpg', headers), 403, 'SignatureDoesNotMatch')
    // And a signature made with another secret.
    expectError(await signedSend({ ...creds, secretAccessKey: 'x'.repeat(40) }, { headers: unsigned }), 403, 'SignatureDoesNotMatch')
  })

  it('wrong session token: InvalidToken 400; missing: MissingSecurityHeader 400', async () => {
    const creds = await issue(sts, 'alice')
    const forged = creds.sessionToken.slice(0, -2) + (creds.sessionToken.endsWith('AA') ? 'BB' : 'AA')
    expectError(await signedSend({ ...creds, sessionToken: forged }, { headers: unsigned }), 400, 'InvalidToken')
    const { sessionToken: _, ...noToken } = creds
    expectError(await signedSend(noToken as Credentials, { headers: unsigned }), 400, 'MissingSecurityHeader')
  })

  it("another access key's session token: InvalidToken 400", async () => {
    const alice = await issue(sts, 'alice')
    const bob = await issue(sts, 'bob')
    expectError(await signedSend({ ...alice, sessionToken: bob.sessionToken }, { headers: unsigned }), 400, 'InvalidToken')
  })

  it('unknown access key: InvalidAccessKeyId 403', async () => {
    const creds = await issue(sts, 'alice')
    expectError(await signedSend({ ...creds, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, { headers: unsigned }), 403, 'InvalidAccessKeyId')
  })

  it('expired credentials: ExpiredToken 400', async () => {
    const creds = await issue(sts, 'alice')
    clock += 3600_000
    expectError(await signedSend(creds, { headers: unsigned }), 400, 'ExpiredToken')
    clock += 24 * 3600_000
    expectError(await signedSend(creds, { headers: unsigned }), 400, 'ExpiredToken')
  })

  it('revoked credentials: one access key, then every credential of a user', async () => {
    const a1 = await issue(sts, 'alice')
    const a2 = await issue(sts, 'alice')
    const bob = await issue(sts, 'bob')
    await sts.revoke(a1.accessKeyId)
    expectError(await signedSend(a1, { headers: unsigned }), 403, 'InvalidAccessKeyId')
    expect((await signedSend(a2, { headers: unsigned })).status).toBe(200)

    clock += 1000
    await sts.revokeUser('alice')
    expectError(await signedSend(a2, { headers: unsigned }), 403, 'InvalidAccessKeyId')
    expect((await signedSend(bob, { headers: unsigned })).status).toBe(200)
    clock += 1000
    const a3 = await issue(sts, 'alice')
    expect((await signedSend(a3, { headers: unsigned })).status).toBe(200)
  })

  it('revokeUser works with a store that keeps no revocations itself (in-process fallback)', async () => {
    const entries = new Map<string, StoredCredentials>()
    sts = createSts({
      signingKey: 'k'.repeat(48),
      roles: [{ id: 'app', identify: ({ token }) => ({ user: token, maxValiditySeconds: 900 }) }],
      store: { get: (k) => entries.get(k), put: (c) => void entries.set(c.accessKeyId, c), delete: (k) => void entries.delete(k) },
      now: () => clock,
    })
    const carol = await issue(sts, 'carol')
    expect(entries.get(carol.accessKeyId)?.issuedAt).toBe(clock)
    expect((await signedSend(carol, { headers: unsigned })).status).toBe(200)
    await sts.revokeUser('carol')
    expectError(await signedSend(carol, { headers: unsigned }), 403, 'InvalidAccessKeyId')
  })

  it('skewed clock: RequestTimeTooSkewed 403, beyond 15 minutes either way', async () => {
    const creds = await issue(sts, 'alice')
    expect((await signedSend(creds, { headers: unsigned, date: clock - 14 * 60_000 })).status).toBe(200)
    expectError(await signedSend(creds, { headers: unsigned, date: clock - 16 * 60_000 }), 403, 'RequestTimeTooSkewed')
    expectError(await signedSend(creds, { headers: unsigned, date: clock + 16 * 60_000 }), 403, 'RequestTimeTooSkewed')
  })

  it('wrong region: AuthorizationHeaderMalformed 400 naming the expected region', async () => {
    const creds = await issue(sts, 'alice')
    const answer = await signedSend(creds, { headers: unsigned, region: 'eu-west-1' })
    expectError(answer, 400, 'AuthorizationHeaderMalformed')
    expect(answer.text).toContain('the region &#39;eu-west-1&#39; is wrong; expecting &#39;us-east-1&#39;')
  })

  it('malformed Authorization headers', async () => {
    const base = { host: `127.0.0.1:${port}`, 'x-amz-date': '20260115T120000Z', ...unsigned }
    const cases: [string, number, string][] = [
      ['AWS4-HMAC-SHA256 Credential=AK/20260115/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=zz', 400, 'AuthorizationHeaderMalformed'],
      ['AWS4-HMAC-SHA256 Credential=AK/2026/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=' + 'a'.repeat(64), 400, 'AuthorizationHeaderMalformed'],
      ['AWS4-HMAC-SHA256 Credential=AK/20260115/us-east-1, SignedHeaders=host, Signature=' + 'a'.repeat(64), 400, 'AuthorizationHeaderMalformed'],
      ['AWS4-HMAC-SHA256 Credential=AK/20260115/us-east-1/s3/aws4_request, Signature=' + 'a'.repeat(64), 400, 'InvalidArgument'],
      ['AWS4-HMAC-SHA256 garbage', 400, 'AuthorizationHeaderMalformed'],
      ['AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=', 400, 'InvalidRequest'],
    ]
    for (const [authorization, status, code] of cases) expectError(await send('GET', '/photos/cat.jpg', { ...base, authorization }), status, code)
  })

  it('scope date other than the request date, wrong service, unsigned x-amz-* header, no credentials at all', async () => {
    const creds = await issue(sts, 'alice')
    const headers = await signHeaders(creds, { headers: unsigned })
    expectError(
      await send('GET', '/photos/cat.jpg', { ...headers, authorization: headers.authorization!.replace(/\/\d{8}\//, '/20260114/') }),
      400,
      'AuthorizationHeaderMalformed',
    )
    expectError(
      await send('GET', '/photos/cat.jpg', { ...headers, authorization: headers.authorization!.replace('/s3/', '/sts/') }),
      400,
      'AuthorizationHeaderMalformed',
    )
    expectError(await send('GET', '/photos/cat.jpg', { ...headers, 'x-amz-acl': 'public-read' }), 400, 'AccessDenied')
    expectError(await send('GET', '/photos/cat.jpg', {}), 403, 'AccessDenied')
    expectError(await send('GET', '/photos/cat.jpg', { ...headers, 'x-amz-content-sha256': 'nonsense' }), 400, 'InvalidArgument')
  })

  it('a failing credential store is a 500 InternalError with a fixed message, reported to onError', async () => {
    const errors: unknown[] = []
    const failing = createSts({
      signingKey: 'k'.repeat(48),
      roles: [{ id: 'app', identify: () => ({ user: 'u', maxValiditySeconds: 900 }) }],
      store: { get: () => Promise.reject(new Error('redis down')), put: () => {}, delete: () => {} },
      onError: (e) => errors.push(e),
    })
    const creds = { accessKeyId: 'AAAAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40), sessionToken: 't' }
    const headers = await signHeaders(creds, { headers: unsigned, date: Date.now() })
    const error = await failing.authenticate({ method: 'GET', url: '/photos/cat.jpg', headers }).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 500, code: 'InternalError' })
    expect((error as Error).message).not.toContain('redis')
    expect(errors).toHaveLength(1)
  })
})
