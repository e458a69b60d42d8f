import { describe, expect, it, vi } from 'vitest'
import {
  ConfigurationError,
  CredentialsError,
  type CredentialStore,
  type IdentityRequest,
  type StsEvent,
  type StoredCredentials,
  createSts,
} from '../src/index.js'
import { expectError, expectSuccess } from './support/conformance.js'
import { SEED_ROLE_ARN, SEED_ROLE_ID, fixtureSts, query, seedParams } from './support/fixture.js'

const KEY = 'k'.repeat(32)
const identify = () => ({ user: 'Alice', maxValiditySeconds: 3600 })
const toResponse = async (sts: ReturnType<typeof createSts>, url: string, init: Partial<Parameters<typeof sts.handle>[0]> = {}) => {
  const answer = await sts.handle({ method: 'POST', url, headers: {}, ...init })
  return new Response(answer.body, { status: answer.status, headers: answer.headers })
}

describe('createSts refuses a configuration that cannot work', () => {
  const cases: [string, () => unknown][] = [
    ['a signing key under 32 bytes', () => createSts({ signingKey: 'k'.repeat(31), roles: [{ id: 'a', identify }] })],
    ['a signing key of the wrong type', () => createSts({ signingKey: 42 as unknown as string, roles: [{ id: 'a', identify }] })],
    ['no roles', () => createSts({ signingKey: KEY, roles: [] })],
    ['a role id outside [A-Za-z0-9_-]', () => createSts({ signingKey: KEY, roles: [{ id: 'a/b', identify }] })],
    ['a role with neither id nor name', () => createSts({ signingKey: KEY, roles: [{ identify }] })],
    ['a role without a callback', () => createSts({ signingKey: KEY, roles: [{ id: 'a' } as never] })],
    ['two roles with one ARN', () => createSts({ signingKey: KEY, roles: [{ id: 'a', identify }, { id: 'a', identify }] })],
    ['a bad identity timeout', () => createSts({ signingKey: KEY, identityTimeoutMs: 0, roles: [{ id: 'a', identify }] })],
    ['a region with a colon', () => createSts({ signingKey: KEY, region: 'us:east', roles: [{ id: 'a', identify }] })],
  ]
  for (const [what, build] of cases) {
    it(what, () => {
      expect(build).toThrow(ConfigurationError)
    })
  }

  it('accepts a 32-byte key given as bytes', () => {
    expect(createSts({ signingKey: new Uint8Array(32), roles: [{ id: 'a', identify }] }).roleArns).toEqual(['arn:minio:iam:::role/idmp-a'])
  })
})

describe('roles', () => {
  it('derive their ARN from the id, the region, or the name as MinIO derives it from a plugin URL', () => {
    const sts = createSts({
      signingKey: KEY,
      region: 'eu-west-1',
      roles: [{ id: 'reports', identify }, { name: 'http://localhost:8081', identify }],
    })
    expect(sts.roleArns).toEqual([
      'arn:minio:iam:eu-west-1::role/idmp-reports',
      'arn:minio:iam:eu-west-1::role/idmp-vGxBdLkOc8mQPU1-UQbBh-yWWVQ',
    ])
  })

  it('each use their own callback, and verify hands back the role with its policy data', async () => {
    const sts = createSts({
      signingKey: KEY,
      roles: [
        { id: 'one', identify: () => ({ user: 'u1', maxValiditySeconds: 900 }) },
        { id: 'two', policy: { allow: ['b2'] }, identify: () => ({ user: 'u2', maxValiditySeconds: 900 }) },
      ],
    })
    const creds = await expectSuccess(await toResponse(sts, query({ ...seedParams(), RoleArn: 'arn:minio:iam:::role/idmp-two' })))
    expect(creds.assumedUser).toBe('custom:u2')
    const verified = await sts.verify(creds.accessKeyId, creds.sessionToken)
    expect(verified.role).toMatchObject({ id: 'two', policy: { allow: ['b2'] } })
  })
})

describe('the identity callback', () => {
  it('receives the token, the role, the duration, the client address and headers, and a signal', async () => {
    const seen: IdentityRequest[] = []
    const sts = createSts({
      signingKey: KEY,
      roles: [{ id: SEED_ROLE_ID, identify: (r) => (seen.push(r), { user: 'A', maxValiditySeconds: 3600 }) }],
    })
    await sts.handle({
      method: 'POST',
      url: query(seedParams({ DurationSeconds: '1000' })),
      headers: { 'User-Agent': 'minio-go', 'x-multi': ['a', 'b'] },
      remoteAddress: '192.0.2.7',
    })
    expect(seen).toHaveLength(1)
    const [request] = seen
    expect(request!.token).toBe('aaa')
    expect(request!.role.arn).toBe(SEED_ROLE_ARN)
    expect(request!.durationSeconds).toBe(1000)
    expect(request!.client).toEqual({ address: '192.0.2.7', headers: { 'user-agent': 'minio-go', 'x-multi': 'a, b' } })
    expect(request!.signal).toBeInstanceOf(AbortSignal)
  })

  it('sees its signal abort when the timeout elapses', async () => {
    let aborted: unknown
    const sts = createSts({
      signingKey: KEY,
      identityTimeoutMs: 50,
      roles: [
        {
          id: SEED_ROLE_ID,
          identify: ({ signal }) =>
            new Promise((_, reject) => signal.addEventListener('abort', () => reject((aborted = signal.reason)))),
        },
      ],
    })
    await expectError(await toResponse(sts, query(seedParams())), 400, 'IDPCommunicationError')
    expect(aborted).toBeInstanceOf(Error)
  })

  const invalid: [string, unknown][] = [
    ['no object', 'Alice'],
    ['an empty user', { user: '', maxValiditySeconds: 3600 }],
    ['a user that is not a string', { user: 7, maxValiditySeconds: 3600 }],
    ['a validity below 900', { user: 'a', maxValiditySeconds: 899 }],
    ['a validity above a year', { user: 'a', maxValiditySeconds: 31536001 }],
    ['a fractional validity', { user: 'a', maxValiditySeconds: 3600.5 }],
    ['a validity given as a string', { user: 'a', maxValiditySeconds: '3600' }],
    ['claims that are an array', { user: 'a', maxValiditySeconds: 3600, claims: [] }],
    ['claims that are a class instance', { user: 'a', maxValiditySeconds: 3600, claims: new Date() }],
    ['claims holding a function', { user: 'a', maxValiditySeconds: 3600, claims: { f: () => 1 } }],
    ['claims holding NaN', { user: 'a', maxValiditySeconds: 3600, claims: { n: Number.NaN } }],
  ]
  for (const [what, identity] of invalid) {
    it(`returning ${what} gives 500 InternalError and the reason to the error hook`, async () => {
      const errors: unknown[] = []
      const sts = createSts({
        signingKey: KEY,
        onError: (e) => errors.push(e),
        roles: [{ id: SEED_ROLE_ID, identify: () => identity as never }],
      })
      const { message } = await expectError(await toResponse(sts, query(seedParams())), 500, 'InternalError')
      expect(message).toBe('The identity provider returned an invalid identity')
      expect(errors).toHaveLength(1)
    })
  }

  it('returning cyclic claims gives 500 rather than a crash', async () => {
    const claims: Record<string, unknown> = {}
    claims.self = claims
    const sts = createSts({ signingKey: KEY, roles: [{ id: SEED_ROLE_ID, identify: () => ({ user: 'a', maxValiditySeconds: 900, claims }) }] })
    await expectError(await toResponse(sts, query(seedParams())), 500, 'InternalError')
  })

  it('throwing synchronously is a failure like any other', async () => {
    const sts = createSts({
      signingKey: KEY,
      roles: [{ id: SEED_ROLE_ID, identify: () => { throw new TypeError('bug') } }],
    })
    await expectError(await toResponse(sts, query(seedParams())), 400, 'IDPCommunicationError')
  })

  it("cannot override the server's claims", async () => {
    const sts = createSts({
      signingKey: KEY,
      roles: [
        {
          id: SEED_ROLE_ID,
          identify: () => ({
            user: 'Alice',
            maxValiditySeconds: 3600,
            claims: { sub: 'custom:root', parent: 'x', accessKey: 'FORGED', roleArn: 'arn:x', exp: 9999999999, team: 'ok' },
          }),
        },
      ],
    })
    const creds = await expectSuccess(await toResponse(sts, query(seedParams())))
    const { claims } = await sts.verify(creds.accessKeyId, creds.sessionToken)
    expect(claims).toMatchObject({ sub: 'custom:Alice', parent: 'custom:Alice', accessKey: creds.accessKeyId, roleArn: SEED_ROLE_ARN, team: 'ok' })
    expect(claims.exp).toBe(Date.parse(creds.expiration) / 1000)
  })
})

describe('validation order', () => {
  it('checks the method before anything else, and the Action before the Version', async () => {
    const sts = fixtureSts()
    await expectError(await toResponse(sts, '/', { method: 'GET' }), 405, 'MethodNotAllowed')
    await expectError(await toResponse(sts, '/?Version=1'), 400, 'MissingAction')
    await expectError(await toResponse(sts, '/?Action=AssumeRoleWithWebIdentity&Version=1'), 400, 'InvalidAction')
  })

  it('ignores a body that is not a form', async () => {
    const sts = fixtureSts()
    const body = new URLSearchParams(seedParams()).toString()
    await expectError(await toResponse(sts, '/', { headers: { 'content-type': 'text/plain' }, body }), 400, 'MissingAction')
  })

  it('takes an already-parsed body, using repeated keys as duplicates and dropping nested objects', async () => {
    const sts = fixtureSts()
    const headers = { 'content-type': 'application/x-www-form-urlencoded' }
    await expectSuccess(await toResponse(sts, '/', { headers, body: { ...seedParams(), nested: { a: '1' } } }))
    await expectError(await toResponse(sts, '/', { headers, body: { ...seedParams(), Token: ['aaa', 'bbb'] } }), 400, 'InvalidParameterValue')
    const { message } = await expectError(
      await toResponse(sts, '/', { headers, body: { ...seedParams(), Token: { x: 'aaa' } } }),
      400,
      'InvalidParameterValue',
    )
    expect(message).toBe('Invalid empty `Token` parameter provided')
  })

  it('refuses a parsed body whose declared length is over the limit', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(64 * 1024 + 1) }
    await expectError(await toResponse(fixtureSts(), '/', { headers, body: seedParams() }), 413, 'RequestEntityTooLarge')
  })
})

describe('fetch()', () => {
  it('answers a Web Request, form body included, and refuses a body over 64 KiB', async () => {
    const sts = fixtureSts()
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    await expectSuccess(await sts.fetch(new Request('http://sts.test/', { method: 'POST', headers: form, body: new URLSearchParams(seedParams()) })))
    const big = `${new URLSearchParams(seedParams())}&pad=${'x'.repeat(65 * 1024)}`
    await expectError(await sts.fetch(new Request('http://sts.test/', { method: 'POST', headers: form, body: big })), 413, 'RequestEntityTooLarge')
  })
})

describe('verify()', () => {
  it('refuses unknown keys, a token of another key, and expired credentials, each with its code', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const sts = fixtureSts({ now: () => now })
    const a = await expectSuccess(await toResponse(sts, query(seedParams())))
    const b = await expectSuccess(await toResponse(sts, query(seedParams())))
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: CredentialsError) => (e instanceof CredentialsError ? e.code : String(e)))
    expect(await code(sts.verify(a.accessKeyId, a.sessionToken))).toBe('ok')
    expect(await code(sts.verify('AKIDUNKNOWNUNKNOWN00', a.sessionToken))).toBe('ERR_CREDENTIALS_UNKNOWN')
    expect(await code(sts.verify(a.accessKeyId, b.sessionToken))).toBe('ERR_CREDENTIALS_TOKEN_MISMATCH')
    expect(await code(sts.verify(a.accessKeyId, `${a.sessionToken}x`))).toBe('ERR_CREDENTIALS_TOKEN_MISMATCH')
    now += 3600 * 1000
    expect(await code(sts.verify(a.accessKeyId, a.sessionToken))).toMatch(/ERR_CREDENTIALS_(EXPIRED|UNKNOWN)/)
  })

  it('sees revocations: of one access key, and of every credential a user had until then', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const sts = fixtureSts({ now: () => now })
    const a = await expectSuccess(await toResponse(sts, query(seedParams())))
    const b = await expectSuccess(await toResponse(sts, query(seedParams())))
    await sts.revoke(a.accessKeyId)
    await expect(sts.verify(a.accessKeyId, a.sessionToken)).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_UNKNOWN' })
    expect((await sts.verify(b.accessKeyId, b.sessionToken)).user).toBe('Alice')
    now += 1
    await sts.revokeUser('Alice')
    await expect(sts.verify(b.accessKeyId, b.sessionToken)).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_REVOKED' })
    now += 1
    const c = await expectSuccess(await toResponse(sts, query(seedParams())))
    expect((await sts.verify(c.accessKeyId, c.sessionToken)).user).toBe('Alice')
  })

  it('refuses a stored token whose signature does not hold', async () => {
    const entries = new Map<string, StoredCredentials>()
    const store: CredentialStore = { get: (k) => entries.get(k), put: (c) => void entries.set(c.accessKeyId, c), delete: (k) => void entries.delete(k) }
    const issuer = fixtureSts({ store })
    const creds = await expectSuccess(await toResponse(issuer, query(seedParams())))
    const other = fixtureSts({ store, signingKey: 'another signing key, 32 bytes or more' })
    await expect(other.verify(creds.accessKeyId, creds.sessionToken)).rejects.toMatchObject({ code: 'ERR_CREDENTIALS_BAD_SIGNATURE' })
  })
})

describe('hooks', () => {
  it('emit one event per answer, with no token, secret key or session token in it', async () => {
    const events: StsEvent[] = []
    const sts = fixtureSts({ onEvent: (e) => events.push(e) })
    const creds = await expectSuccess(await toResponse(sts, query(seedParams()), { remoteAddress: '127.0.0.9' }))
    await toResponse(sts, query(seedParams({ Token: 'deny' })))
    await toResponse(sts, query(seedParams({ Token: 'secret-failing-token' })))
    expect(events.map((e) => e.type)).toEqual(['issued', 'denied', 'failed'])
    expect(events[0]).toMatchObject({ type: 'issued', user: 'Alice', accessKeyId: creds.accessKeyId, remoteAddress: '127.0.0.9', roleArn: SEED_ROLE_ARN })
    expect(events[2]).toMatchObject({ type: 'failed', status: 400, code: 'IDPCommunicationError' })
    const logged = JSON.stringify(events)
    for (const secret of [creds.secretAccessKey, creds.sessionToken, 'aaa', 'secret-failing-token']) expect(logged).not.toContain(secret)
  })

  it('that throw do not change the answer', async () => {
    const onError = vi.fn(() => {
      throw new Error('error hook broken')
    })
    const sts = fixtureSts({ onEvent: () => { throw new Error('event hook broken') }, onError })
    await expectSuccess(await toResponse(sts, query(seedParams())))
    expect(onError).toHaveBeenCalled()
  })

  it('report an unexpected failure to the error hook and answer 500 with a fixed message', async () => {
    const errors: unknown[] = []
    const store: CredentialStore = { get: () => undefined, put: () => { throw new Error('store down at 10.0.0.5') }, delete: () => {} }
    const sts = fixtureSts({ store, onError: (e) => errors.push(e) })
    const { text } = await expectError(await toResponse(sts, query(seedParams())), 500, 'InternalError')
    expect(text).not.toContain('store down')
    expect(errors).toEqual([expect.objectContaining({ message: 'store down at 10.0.0.5' })])
  })
})
