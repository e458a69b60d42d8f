import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ConfigurationError,
  IdentityDenied,
  IdentityPluginError,
  PLUGIN_RESPONSE_LIMIT,
  createSts,
  minioIdentityPlugin,
  minioPluginRole,
  type IdentityRequest,
  type StsEvent,
} from '../src/index.js'

// Distinctive, and with characters Go's QueryEscape treats specially (space, +, /, ~, *), so that both the wire
// format and every leak check see it.
const TOKEN = 'tok-LEAKCHECK-7f3a9 q+/~*é'
// Go's url.QueryEscape of TOKEN (space → +, ~ kept, é as its UTF-8 bytes).
const TOKEN_IN_QUERY = 'tok-LEAKCHECK-7f3a9+q%2B%2F~%2A%C3%A9'
const SIGNING_KEY = 'k'.repeat(40)

interface Received {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
  remotePort: number
}

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** A real plugin on loopback whose answer each test sets, recording what it was sent. */
let plugin: http.Server
let pluginUrl: string
let behaviour: Behaviour
let received: Received[]

const json = (status: number, value: unknown): Behaviour => (_req, res) => {
  const body = typeof value === 'string' ? value : JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

beforeAll(async () => {
  plugin = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        remotePort: req.socket.remotePort ?? 0,
      })
      behaviour(req, res)
    })
  })
  await new Promise<void>((resolve) => plugin.listen(0, '127.0.0.1', resolve))
  pluginUrl = `http://127.0.0.1:${(plugin.address() as AddressInfo).port}`
})

afterAll(async () => {
  plugin.closeAllConnections()
  await new Promise((resolve) => plugin.close(resolve))
})

beforeEach(() => {
  received = []
  behaviour = json(200, { user: 'alice', maxValiditySeconds: 3600, claims: { groups: ['data-science'] } })
})

const request = (signal = new AbortController().signal): IdentityRequest => ({
  token: TOKEN,
  role: { arn: 'arn:minio:iam:::role/idmp-x', id: 'x' },
  client: { headers: {} },
  signal,
})

async function failure(call: unknown): Promise<unknown> {
  try {
    await call
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail')
}

const hugeBody = 'x'.repeat(PLUGIN_RESPONSE_LIMIT * 4)

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('minioIdentityPlugin: the request MinIO sends', () => {
  it('POSTs with the token added to the query, no body, Content-Length 0, and no Authorization when none is set', async () => {
    const identity = await minioIdentityPlugin({ url: pluginUrl })(request())
    expect(identity).toEqual({ user: 'alice', maxValiditySeconds: 3600, claims: { groups: ['data-science'] } })
    expect(received).toHaveLength(1)
    const [r] = received
    expect(r!.method).toBe('POST')
    expect(r!.url).toBe(`/?token=${TOKEN_IN_QUERY}`)
    expect(r!.body).toBe('')
    expect(r!.headers['content-length']).toBe('0')
    expect(r!.headers['content-type']).toBeUndefined()
    expect(r!.headers['transfer-encoding']).toBeUndefined()
    expect(r!.headers.authorization).toBeUndefined()
  })

  it('keeps the URL path and query, re-sorts the keys as Go does, and replaces a configured token parameter', async () => {
    await minioIdentityPlugin({ url: `${pluginUrl}/hooks/check?z=last&b=2&a=1&a=0&token=old&sp=a+b%20c` })(request())
    expect(received[0]!.url).toBe(`/hooks/check?a=1&a=0&b=2&sp=a+b+c&token=${TOKEN_IN_QUERY}&z=last`)
  })

  it('sends the auth token verbatim as Authorization', async () => {
    await minioIdentityPlugin({ url: pluginUrl, authToken: 'Bearer s3cr3t value' })(request())
    expect(received[0]!.headers.authorization).toBe('Bearer s3cr3t value')
  })

  it('keeps the connection alive between calls', async () => {
    const identify = minioIdentityPlugin({ url: pluginUrl })
    await identify(request())
    await identify(request())
    expect(received).toHaveLength(2)
    expect(received[1]!.remotePort).toBe(received[0]!.remotePort)
    expect(received[0]!.headers.connection).toBe('keep-alive')
  })
})

describe('minioIdentityPlugin: answers', () => {
  const identify = () => minioIdentityPlugin({ url: pluginUrl, timeoutMs: 300 })(request())

  it('matches field names in any letter case and ignores unknown fields', async () => {
    behaviour = json(200, { USER: 'bob', MaxValiditySECONDS: 900, CLAIMS: { a: 1 }, extra: true })
    expect(await identify()).toEqual({ user: 'bob', maxValiditySeconds: 900, claims: { a: 1 } })
  })

  it('accepts the bounds of the validity range, and null or absent claims as none', async () => {
    behaviour = json(200, { user: 'u', maxValiditySeconds: 31536000, claims: null })
    expect(await identify()).toEqual({ user: 'u', maxValiditySeconds: 31536000, claims: {} })
    behaviour = json(200, { user: 'u', maxValiditySeconds: 900 })
    expect(await identify()).toEqual({ user: 'u', maxValiditySeconds: 900, claims: {} })
  })

  it('passes an empty user through, for the core to refuse', async () => {
    behaviour = json(200, { maxValiditySeconds: 900 })
    expect((await identify()).user).toBe('')
  })

  it('turns a 403 into a denial with the reason, in any letter case', async () => {
    behaviour = json(403, { reason: 'token expired' })
    let error = await failure(identify())
    expect(error).toBeInstanceOf(IdentityDenied)
    expect((error as IdentityDenied).reason).toBe('token expired')
    behaviour = json(403, { REASON: 'no such user' })
    error = await failure(identify())
    expect((error as IdentityDenied).reason).toBe('no such user')
  })

  it.each([
    ['an empty body', ''],
    ['a body that is not JSON', 'nope'],
    ['no reason field', { why: 'x' }],
    ['a reason that is not a string', { reason: 42 }],
    ['a reason quoting the token', { reason: `bad token ${TOKEN}` }],
  ])('turns a 403 with %s into a denial with a fixed reason', async (_, body) => {
    behaviour = json(403, body)
    const error = await failure(identify())
    expect(error).toBeInstanceOf(IdentityDenied)
    expect((error as IdentityDenied).reason).toBe('The identity plugin denied the token')
  })

  it('turns a 403 with a huge body into a denial with the fixed reason', async () => {
    behaviour = json(403, hugeBody)
    expect(((await failure(identify())) as IdentityDenied).reason).toBe('The identity plugin denied the token')
  })

  it.each([
    [500, 'ERR_PLUGIN_STATUS', json(500, { user: 'alice', maxValiditySeconds: 3600 })],
    [201, 'ERR_PLUGIN_STATUS', json(201, { user: 'alice', maxValiditySeconds: 3600 })],
    [302, 'ERR_PLUGIN_STATUS', json(302, '')],
    ['invalid JSON', 'ERR_PLUGIN_RESPONSE', json(200, '{"user": "alice",')],
    ['a JSON array', 'ERR_PLUGIN_RESPONSE', json(200, [1])],
    ['"3600"', 'ERR_PLUGIN_RESPONSE', json(200, { user: 'alice', maxValiditySeconds: '3600' })],
    ['3600.5', 'ERR_PLUGIN_RESPONSE', json(200, { user: 'alice', maxValiditySeconds: 3600.5 })],
    ['no validity', 'ERR_PLUGIN_RESPONSE', json(200, { user: 'alice' })],
    ['validity 899', 'ERR_PLUGIN_RESPONSE', json(200, { user: 'alice', maxValiditySeconds: 899 })],
    ['validity 31536001', 'ERR_PLUGIN_RESPONSE', json(200, { user: 'alice', maxValiditySeconds: 31536001 })],
    ['a user that is a number', 'ERR_PLUGIN_RESPONSE', json(200, { user: 7, maxValiditySeconds: 3600 })],
    ['claims that are a list', 'ERR_PLUGIN_RESPONSE', json(200, { user: 'a', maxValiditySeconds: 3600, claims: [1] })],
    ['a huge declared body', 'ERR_PLUGIN_RESPONSE_TOO_LARGE', json(200, hugeBody)],
    [
      'a huge chunked body',
      'ERR_PLUGIN_RESPONSE_TOO_LARGE',
      ((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(hugeBody)
      }) as Behaviour,
    ],
    ['a plugin that never answers', 'ERR_PLUGIN_TIMEOUT', (() => {}) as Behaviour],
    [
      'a body that never ends',
      'ERR_PLUGIN_TIMEOUT',
      ((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"user": "alice", ')
      }) as Behaviour,
    ],
  ])('fails on %s with %s, and the message does not hold the token', async (_, code, answer) => {
    behaviour = answer
    const error = await failure(identify())
    expect(error).toBeInstanceOf(IdentityPluginError)
    expect((error as IdentityPluginError).code).toBe(code)
    expect(inspect(error)).not.toContain('LEAKCHECK')
  })

  it('fails when the plugin is down', async () => {
    const error = await failure(minioIdentityPlugin({ url: `http://127.0.0.1:${await closedPort()}` })(request()))
    expect((error as IdentityPluginError).code).toBe('ERR_PLUGIN_UNREACHABLE')
    expect((error as Error).message).toContain('ECONNREFUSED')
  })

  it("stops when the core's signal aborts", async () => {
    behaviour = () => {}
    const controller = new AbortController()
    const call = minioIdentityPlugin({ url: pluginUrl })(request(controller.signal))
    setTimeout(() => controller.abort(new Error('deadline')), 50)
    expect(((await failure(call)) as IdentityPluginError).code).toBe('ERR_PLUGIN_ABORTED')
  })

  it('refuses a bad configuration at once', () => {
    expect(() => minioIdentityPlugin({ url: '' })).toThrow(ConfigurationError)
    expect(() => minioIdentityPlugin({ url: 'ftp://x' })).toThrow(ConfigurationError)
    expect(() => minioIdentityPlugin({ url: 'not a url' })).toThrow(ConfigurationError)
    expect(() => minioIdentityPlugin({ url: pluginUrl, timeoutMs: 0 })).toThrow(ConfigurationError)
    expect(() => minioIdentityPlugin({ url: pluginUrl, authToken: 'a\r\nb' })).toThrow(ConfigurationError)
  })
})

describe('minioPluginRole: the ARN MinIO gives the plugin', () => {
  const arnOf = (options: Parameters<typeof minioPluginRole>[0], region?: string) =>
    createSts({ signingKey: SIGNING_KEY, roles: [minioPluginRole(options)], region }).roleArns[0]
  const sha1Id = (text: string) => createHash('sha1').update(text).digest('base64url')

  it("derives the seed's ARN from http://localhost:8081", () => {
    expect(arnOf({ url: 'http://localhost:8081' })).toBe('arn:minio:iam:::role/idmp-vGxBdLkOc8mQPU1-UQbBh-yWWVQ')
  })

  it('hashes the URL string exactly as given: a trailing slash is another role', () => {
    const withSlash = arnOf({ url: 'http://localhost:8081/' })
    expect(withSlash).not.toBe(arnOf({ url: 'http://localhost:8081' }))
    expect(withSlash).toBe(`arn:minio:iam:::role/idmp-${sha1Id('http://localhost:8081/')}`)
  })

  it('carries the region', () => {
    expect(arnOf({ url: 'http://localhost:8081' }, 'us-east-1')).toBe(
      'arn:minio:iam:us-east-1::role/idmp-vGxBdLkOc8mQPU1-UQbBh-yWWVQ',
    )
  })

  it('uses the role id when one is set, and treats an empty one as unset', () => {
    expect(arnOf({ url: 'http://localhost:8081', roleId: 'plugin_Role-1' }, 'eu-west-2')).toBe(
      'arn:minio:iam:eu-west-2::role/idmp-plugin_Role-1',
    )
    expect(arnOf({ url: 'http://localhost:8081', roleId: '' })).toBe('arn:minio:iam:::role/idmp-vGxBdLkOc8mQPU1-UQbBh-yWWVQ')
  })

  it('refuses a role id MinIO refuses', () => {
    for (const roleId of ['a b', 'role/1', 'é', 'a.b']) {
      expect(() => minioPluginRole({ url: 'http://localhost:8081', roleId })).toThrow(ConfigurationError)
    }
  })

  it('keeps the role policy as the role policy', () => {
    const sts = createSts({ signingKey: SIGNING_KEY, roles: [minioPluginRole({ url: pluginUrl, rolePolicy: 'readwrite' })] })
    expect(sts.roles[0]!.policy).toBe('readwrite')
  })
})

describe('through createSts().handle(): the contract table, and no token anywhere', () => {
  let captured: string[]
  let events: StsEvent[]
  let errors: unknown[]
  let sts: ReturnType<typeof createSts>

  beforeEach(() => {
    captured = []
    events = []
    errors = []
    sts = createSts({
      signingKey: SIGNING_KEY,
      roles: [minioPluginRole({ url: pluginUrl, authToken: 'Bearer plugin-auth', timeoutMs: 300 })],
      onError: (error) => {
        errors.push(error)
        captured.push(inspect(error, { depth: 10, showHidden: true }), String(error), JSON.stringify(error) ?? '')
      },
      onEvent: (event) => {
        events.push(event)
        captured.push(JSON.stringify(event))
      },
    })
  })

  const assume = async () => {
    const query = new URLSearchParams({
      Action: 'AssumeRoleWithCustomToken',
      Version: '2011-06-15',
      Token: TOKEN,
      RoleArn: sts.roleArns[0]!,
    })
    const answer = await sts.handle({ method: 'POST', url: `/?${query}`, headers: {}, remoteAddress: '127.0.0.1' })
    captured.push(answer.body, JSON.stringify(answer.headers))
    return answer
  }

  const codeOf = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1]
  const messageOf = (body: string) => /<Message>([^<]*)<\/Message>/.exec(body)?.[1]

  it('issues credentials on a 200, with the plugin claims in the session token', async () => {
    behaviour = json(200, { User: 'alice', maxValiditySeconds: 3600, claims: { groups: ['data-science'] } })
    const answer = await assume()
    expect(answer.status).toBe(200)
    expect(answer.body).toContain('<AssumedUser>custom:alice</AssumedUser>')
    const sessionToken = /<SessionToken>([^<]*)<\/SessionToken>/.exec(answer.body)![1]!
    const payload = JSON.parse(Buffer.from(sessionToken.split('.')[1]!, 'base64url').toString())
    expect(payload.groups).toEqual(['data-science'])
    expect(events.map((e) => e.type)).toEqual(['issued'])
    expect(received[0]!.headers.authorization).toBe('Bearer plugin-auth')
    expect(received[0]!.url).toBe(`/?token=${TOKEN_IN_QUERY}`)
  })

  it.each([
    ['a 403 with a reason', 403, 'AccessDenied', 'user is disabled', json(403, { reason: 'user is disabled' })],
    ['a 403 without a reason', 403, 'AccessDenied', 'The identity plugin denied the token', json(403, '')],
    ['a 403 quoting the token', 403, 'AccessDenied', undefined, json(403, { reason: `bad: ${TOKEN}` })],
    ['a 500', 400, 'IDPCommunicationError', undefined, json(500, { reason: 'boom' })],
    ['a 201', 400, 'IDPCommunicationError', undefined, json(201, { user: 'alice', maxValiditySeconds: 3600 })],
    ['invalid JSON', 400, 'IDPCommunicationError', undefined, json(200, '{')],
    ['a validity of "3600"', 400, 'IDPCommunicationError', undefined, json(200, { user: 'a', maxValiditySeconds: '3600' })],
    ['a validity of 3600.5', 400, 'IDPCommunicationError', undefined, json(200, { user: 'a', maxValiditySeconds: 3600.5 })],
    ['a validity of 100', 400, 'IDPCommunicationError', undefined, json(200, { user: 'a', maxValiditySeconds: 100 })],
    ['a huge body', 400, 'IDPCommunicationError', undefined, json(200, hugeBody)],
    ['a slow plugin', 400, 'IDPCommunicationError', undefined, (() => {}) as Behaviour],
    ['an empty user', 500, 'InternalError', undefined, json(200, { user: '', maxValiditySeconds: 3600 })],
  ])('answers %s with %i %s', async (_, status, code, message, answer) => {
    behaviour = answer
    const response = await assume()
    expect(response.status).toBe(status)
    expect(codeOf(response.body)).toBe(code)
    if (message !== undefined) expect(messageOf(response.body)).toBe(message)
    expect(events).toHaveLength(1)
    if (status === 400) expect(errors[0]).toBeInstanceOf(IdentityPluginError)
    expect(captured.join('\n')).not.toContain('LEAKCHECK')
  })

  it('answers a plugin that is down with 400 IDPCommunicationError, no token anywhere', async () => {
    sts = createSts({
      signingKey: SIGNING_KEY,
      roles: [minioPluginRole({ url: `http://127.0.0.1:${await closedPort()}` })],
      onError: (error) => captured.push(inspect(error, { depth: 10, showHidden: true })),
      onEvent: (event) => captured.push(JSON.stringify(event)),
    })
    const response = await assume()
    expect(response.status).toBe(400)
    expect(codeOf(response.body)).toBe('IDPCommunicationError')
    expect(captured.join('\n')).toContain('ECONNREFUSED')
    expect(captured.join('\n')).not.toContain('LEAKCHECK')
  })
})
