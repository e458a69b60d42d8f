import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  StsInvalidResponseError,
  StsNetworkError,
  StsServiceError,
  StsTimeoutError,
  assumeRoleWithCustomToken,
} from '../src/index.js'
import { ANSWER_LIMIT } from '../src/request.js'
import { type TestServer, startServer } from './support/servers.js'

const ROLE = 'arn:minio:iam:::role/idmp-vGxBdLkOc8mQPU1-UQbBh-yWWVQ'
const TOKEN = 'secret-custom-token-42'
const FUTURE = new Date(Date.now() + 3600_000)
const future = FUTURE.toISOString().replace(/\.\d{3}Z$/, 'Z')

// MinIO's exact success bytes (sts-protocol.md §2), with a future Expiration.
const minioSuccess = (expiration = future) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<AssumeRoleWithCustomTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithCustomTokenResult><Credentials><AccessKeyId>24Y5H9VHE14H47GEOKCX</AccessKeyId><SecretAccessKey>H+aBfQ9B1AeWWb++84hvp4tlFBo9aP+hUTdLFIeg</SecretAccessKey><SessionToken>eyJ.session.token</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedUser>custom:Alice</AssumedUser></AssumeRoleWithCustomTokenResult><ResponseMetadata><RequestId>16F26E081E36DE63</RequestId></ResponseMetadata></AssumeRoleWithCustomTokenResponse>`

interface Answer {
  status?: number
  body: string
  headers?: Record<string, string>
}

describe('against MinIO-shaped answers', () => {
  let server: TestServer
  let script: Answer[] = []
  const reply = (res: ServerResponse) => {
    const next = script.shift() ?? { status: 500, body: 'script exhausted' }
    res.writeHead(next.status ?? 200, { 'content-type': 'application/xml', ...next.headers })
    res.end(next.body)
  }
  beforeAll(async () => {
    server = await startServer((_req, res) => reply(res))
  })
  afterAll(() => server.close())

  const call = (answers: Answer[], extra: Partial<Parameters<typeof assumeRoleWithCustomToken>[0]> = {}) => {
    script = [...answers]
    server.requests.length = 0
    return assumeRoleWithCustomToken({ endpoint: server.url, token: TOKEN, roleArn: ROLE, retryBaseDelayMs: 1, ...extra })
  }
  const failure = (answers: Answer[], extra = {}) => call(answers, extra).catch((e: unknown) => e)

  it('sends what minio-go sends: POST, parameters in the query, empty body', async () => {
    await call([{ body: minioSuccess() }], { durationSeconds: 1800 })
    const [request] = server.requests
    expect(request!.method).toBe('POST')
    expect(request!.body).toBe('')
    const query = new URL(request!.url, server.url).searchParams
    expect(Object.fromEntries(query)).toEqual({
      Action: 'AssumeRoleWithCustomToken',
      Version: '2011-06-15',
      Token: TOKEN,
      RoleArn: ROLE,
      DurationSeconds: '1800',
    })
  })

  it("sends a form body in 'form' style, and nothing in the URL", async () => {
    await call([{ body: minioSuccess() }], { style: 'form', endpoint: `${server.url}sts` })
    const [request] = server.requests
    expect(request!.url).toBe('/sts')
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({
      Action: 'AssumeRoleWithCustomToken',
      Version: '2011-06-15',
      Token: TOKEN,
      RoleArn: ROLE,
    })
  })

  it("reads MinIO's exact answer", async () => {
    const result = await call([{ body: minioSuccess() }])
    expect(result).toEqual({
      credentials: {
        accessKeyId: '24Y5H9VHE14H47GEOKCX',
        secretAccessKey: 'H+aBfQ9B1AeWWb++84hvp4tlFBo9aP+hUTdLFIeg',
        sessionToken: 'eyJ.session.token',
        expiration: new Date(future),
      },
      assumedUser: 'custom:Alice',
      requestId: '16F26E081E36DE63',
    })
  })

  it('tolerates layout whitespace, attributes in any order, namespace prefixes and fractional seconds', async () => {
    const fractional = FUTURE.toISOString().replace(/\.\d{3}Z$/, '.123456789Z')
    const body = `<?xml version='1.0' encoding='UTF-8'?>
<sts:AssumeRoleWithCustomTokenResponse xmlns:x="urn:other" xmlns:sts="https://sts.amazonaws.com/doc/2011-06-15/">
  <sts:ResponseMetadata>
    <sts:RequestId>REQ-1</sts:RequestId>
  </sts:ResponseMetadata>
  <sts:AssumeRoleWithCustomTokenResult x:note="ignored">
    <sts:AssumedUser>custom:O&#39;Brien &amp; co</sts:AssumedUser>
    <sts:Credentials>
      <sts:Expiration>
        ${fractional}
      </sts:Expiration>
      <sts:SessionToken>tok</sts:SessionToken>
      <sts:SecretAccessKey>sec+ret</sts:SecretAccessKey>
      <sts:AccessKeyId>0123456789</sts:AccessKeyId>
    </sts:Credentials>
  </sts:AssumeRoleWithCustomTokenResult>
</sts:AssumeRoleWithCustomTokenResponse>
`
    const result = await call([{ body }])
    // An all-digit access key stays a string; the fraction is kept to the millisecond.
    expect(result.credentials.accessKeyId).toBe('0123456789')
    expect(result.credentials.secretAccessKey).toBe('sec+ret')
    expect(result.credentials.expiration.toISOString()).toBe(FUTURE.toISOString().replace(/\.\d{3}Z$/, '.123Z'))
    expect(result.assumedUser).toBe("custom:O'Brien & co")
    expect(result.requestId).toBe('REQ-1')
  })

  it('accepts an Expiration with an offset', async () => {
    const hourAhead = new Date(Math.floor(Date.now() / 1000) * 1000 + 7200_000)
    const local = new Date(hourAhead.getTime() + 2 * 3600_000).toISOString().replace(/\.000Z$/, '+02:00')
    const result = await call([{ body: minioSuccess(local) }])
    expect(result.credentials.expiration.getTime()).toBe(hourAhead.getTime())
  })

  const malformed: [string, string, RegExp][] = [
    ['a wrong root element', minioSuccess().replaceAll('AssumeRoleWithCustomTokenResponse', 'AssumeRoleResponse'), /root element is <AssumeRoleResponse>/],
    ['no Credentials', minioSuccess().replace(/<Credentials>.*<\/Credentials>/, ''), /no <Credentials>/],
    ['no Result', minioSuccess().replace(/<AssumeRoleWithCustomTokenResult>.*<\/AssumeRoleWithCustomTokenResult>/, ''), /no <AssumeRoleWithCustomTokenResult>/],
    ['no AccessKeyId', minioSuccess().replace(/<AccessKeyId>.*<\/AccessKeyId>/, ''), /no <AccessKeyId>/],
    ['no SecretAccessKey', minioSuccess().replace(/<SecretAccessKey>.*<\/SecretAccessKey>/, ''), /no <SecretAccessKey>/],
    ['an empty SessionToken', minioSuccess().replace(/<SessionToken>.*<\/SessionToken>/, '<SessionToken/>'), /no <SessionToken>/],
    ['no Expiration', minioSuccess().replace(/<Expiration>.*<\/Expiration>/, ''), /no <Expiration>/],
    ['an Expiration in the past', minioSuccess('2022-05-25T19:56:34Z'), /already past/],
    ['an Expiration that is not RFC 3339', minioSuccess('Tue, 25 May 2099 19:56:34 GMT'), /not an RFC 3339/],
    ['a body that is not XML', '{"Credentials":{}}', /not a single well-formed XML document/],
    ['truncated XML', minioSuccess().slice(0, 200), /not a single well-formed XML document/],
    ['an empty body', '', /not a single well-formed XML document/],
    ['an error document with status 200', '<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>', /root element is <ErrorResponse>/],
  ]
  for (const [what, body, message] of malformed) {
    it(`refuses ${what} with StsInvalidResponseError, without retrying`, async () => {
      const error = await failure([{ body }, { body: minioSuccess() }])
      expect(error).toBeInstanceOf(StsInvalidResponseError)
      expect((error as StsInvalidResponseError).code).toBe('ERR_STS_INVALID_RESPONSE')
      expect((error as Error).message).toMatch(message)
      expect(server.requests).toHaveLength(1)
    })
  }

  it('refuses an answer larger than 1 MiB without reading it whole, declared or streamed', async () => {
    const huge = minioSuccess().replace('<AssumedUser>', `<AssumedUser>${'x'.repeat(ANSWER_LIMIT)}`)
    const declared: Record<string, string>[] = [{ 'content-length': String(Buffer.byteLength(huge)) }, { 'transfer-encoding': 'chunked' }]
    for (const headers of declared) {
      const error = await failure([{ body: huge, headers }])
      expect(error).toBeInstanceOf(StsInvalidResponseError)
      expect((error as Error).message).toMatch(/larger than 1048576 bytes/)
      expect((error as StsInvalidResponseError).retryable).toBe(false)
    }
    // Just under the limit is read as usual.
    const filler = 'x'.repeat(ANSWER_LIMIT - minioSuccess().length - 10)
    const result = await call([{ body: minioSuccess().replace('<AssumedUser>custom:Alice', `<AssumedUser>custom:Alice${filler}`) }])
    expect(result.assumedUser).toBe(`custom:Alice${filler}`)
  })

  it('reads an answer sent with a byte order mark, as response.text() would', async () => {
    const result = await call([{ body: `\uFEFF${minioSuccess()}` }])
    expect(result.credentials.accessKeyId).toBe('24Y5H9VHE14H47GEOKCX')
  })

  it('refuses a 201 even with a good body (minio-go does too)', async () => {
    const error = await failure([{ status: 201, body: minioSuccess() }])
    expect(error).toBeInstanceOf(StsInvalidResponseError)
    expect((error as StsInvalidResponseError).status).toBe(201)
  })

  it('turns an STS ErrorResponse into StsServiceError, removing a token the server echoed', async () => {
    // MinIO's 400 for a failing identity plugin quotes Go's error text, request URL and token included.
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type></Type><Code>InvalidParameterValue</Code><Message>Post &#34;http://plugin:8081?token=${TOKEN}&#34;: dial tcp: connection refused; token ${encodeURIComponent(TOKEN)}</Message></Error><RequestId>17A1</RequestId></ErrorResponse>`
    const error = await failure([{ status: 400, body, headers: { 'x-amz-request-id': 'HEADER-ID' } }])
    expect(error).toBeInstanceOf(StsServiceError)
    const e = error as StsServiceError
    expect(e.stsCode).toBe('InvalidParameterValue')
    expect(e.status).toBe(400)
    expect(e.requestId).toBe('17A1')
    expect(e.stsMessage).toBe('Post "http://plugin:8081?token=[REDACTED]": dial tcp: connection refused; token [REDACTED]')
    expect(`${e.message} ${e.stack}`).not.toContain(TOKEN)
    expect(server.requests).toHaveLength(1)
  })

  it("reads MinIO's S3-style <Error> document, RequestId from the header when the body has none", async () => {
    const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>BadRequest</Code><Message>Bad Request</Message></Error>'
    const error = (await failure([{ status: 400, body, headers: { 'x-amz-request-id': 'HDR' } }])) as StsServiceError
    expect(error).toBeInstanceOf(StsServiceError)
    expect([error.stsCode, error.stsMessage, error.requestId]).toEqual(['BadRequest', 'Bad Request', 'HDR'])
  })

  it('retries a 503 and succeeds on the second request', async () => {
    const unavailable = '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate</Message></Error><RequestId>R1</RequestId></ErrorResponse>'
    const result = await call([{ status: 503, body: unavailable }, { body: minioSuccess() }])
    expect(result.credentials.accessKeyId).toBe('24Y5H9VHE14H47GEOKCX')
    expect(server.requests).toHaveLength(2)
  })

  it("retries a proxy's non-XML 502, and gives up after `retries`", async () => {
    const bad = { status: 502, body: '<html>Bad gateway</html>' }
    const error = await failure([bad, bad, bad, bad], { retries: 2 })
    expect(error).toBeInstanceOf(StsInvalidResponseError)
    expect((error as StsInvalidResponseError).status).toBe(502)
    expect(server.requests).toHaveLength(3)
  })

  it('never retries AccessDenied', async () => {
    const denied = '<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>R</RequestId></ErrorResponse>'
    const error = await failure([{ status: 403, body: denied }, { body: minioSuccess() }], { retries: 5 })
    expect((error as StsServiceError).stsCode).toBe('AccessDenied')
    expect(server.requests).toHaveLength(1)
  })

  it('asks a token function on every attempt', async () => {
    let calls = 0
    const unavailable = { status: 503, body: '<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>' }
    await call([unavailable, { body: minioSuccess() }], { token: async () => `tok-${++calls}` })
    expect(server.requests.map((r) => new URL(r.url, server.url).searchParams.get('Token'))).toEqual(['tok-1', 'tok-2'])
  })
})

describe('timeouts, aborts and network errors', () => {
  let silent: TestServer
  beforeAll(async () => {
    silent = await startServer(() => {
      // Never answers.
    })
  })
  afterAll(() => silent.close())

  it('gives up on a silent server after timeoutMs, per attempt, and retries', async () => {
    silent.requests.length = 0
    const started = Date.now()
    const error = await assumeRoleWithCustomToken({
      endpoint: silent.url,
      token: TOKEN,
      roleArn: ROLE,
      timeoutMs: 150,
      retries: 1,
      retryBaseDelayMs: 1,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StsTimeoutError)
    expect((error as StsTimeoutError).code).toBe('ERR_STS_TIMEOUT')
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    await expect.poll(() => silent.requests.length).toBe(2)
  })

  it("stops at once on the caller's AbortSignal, with the caller's reason, and does not retry", async () => {
    silent.requests.length = 0
    const controller = new AbortController()
    const pending = assumeRoleWithCustomToken({ endpoint: silent.url, token: TOKEN, roleArn: ROLE, signal: controller.signal })
    await expect.poll(() => silent.requests.length).toBe(1)
    const reason = new Error('user gave up')
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    expect(silent.requests).toHaveLength(1)
  })

  it('reports a refused connection as a retryable StsNetworkError without the token', async () => {
    const closed = await startServer(() => {})
    const endpoint = closed.url
    await closed.close()
    const error = await assumeRoleWithCustomToken({
      endpoint,
      token: TOKEN,
      roleArn: ROLE,
      retries: 1,
      retryBaseDelayMs: 1,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StsNetworkError)
    expect((error as StsNetworkError).systemCode).toBe('ECONNREFUSED')
    expect((error as StsNetworkError).retryable).toBe(true)
    expect(`${(error as Error).message} ${(error as Error).stack}`).not.toContain(TOKEN)
  })
})
