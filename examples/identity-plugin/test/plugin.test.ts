import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintToken } from '../src/mint-token.js'
import { createPluginServer } from '../src/plugin.js'

const SECRET = 'example-plugin-secret-0123456789abcdef'
const AUTH = 'Bearer caller-secret'

let server: Server
let base: string

beforeAll(async () => {
  server = createPluginServer({ secret: SECRET, authToken: AUTH })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** As MinIO calls a plugin: POST, token in the query, no body. */
async function ask(token: string | undefined, authorization: string | null = AUTH, method = 'POST') {
  const url = token === undefined ? `${base}/` : `${base}/?token=${encodeURIComponent(token)}`
  const res = await fetch(url, { method, headers: authorization === null ? {} : { authorization } })
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
}

describe('example identity plugin', () => {
  it('answers 200 with the user, the validity and the groups for a good token', async () => {
    const token = await mintToken(SECRET, { user: 'alice', groups: ['data-science'], expiresInSeconds: 7200 })
    expect(await ask(token)).toEqual({
      status: 200,
      body: { user: 'alice', maxValiditySeconds: 3600, claims: { groups: ['data-science'] } },
    })
  })

  it("never grants beyond the token's expiry, nor less than MinIO's 900 s minimum", async () => {
    const soon = await ask(await mintToken(SECRET, { user: 'bob', expiresInSeconds: 1200 }))
    expect(soon.body.maxValiditySeconds).toBeGreaterThanOrEqual(1198)
    expect(soon.body.maxValiditySeconds).toBeLessThanOrEqual(1200)
    const verySoon = await ask(await mintToken(SECRET, { user: 'bob', expiresInSeconds: 60 }))
    expect(verySoon.body.maxValiditySeconds).toBe(900)
  })

  it.each([
    ['a token signed with another secret', () => mintToken('another-secret-0123456789abcdef-xyz', { user: 'eve' }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['an expired token', () => mintToken(SECRET, { user: 'eve', expiresInSeconds: -10 }), 'ERR_JWT_EXPIRED'],
    ['a token that is not a JWT', async () => 'not-a-jwt', 'ERR_JWS_INVALID'],
  ])('denies %s with 403 and a reason that does not quote the token', async (_, make, code) => {
    const token = await make()
    const answer = await ask(token)
    expect(answer).toEqual({ status: 403, body: { reason: `invalid token (${code})` } })
    expect(JSON.stringify(answer.body)).not.toContain(token)
  })

  it('denies a request without a token (MinIO posts one at start-up to check the plugin is there)', async () => {
    expect(await ask(undefined)).toEqual({ status: 403, body: { reason: 'no token given' } })
  })

  it('refuses callers without the configured Authorization with 401, not a denial', async () => {
    const token = await mintToken(SECRET, { user: 'alice' })
    expect((await ask(token, null)).status).toBe(401)
    expect((await ask(token, 'Bearer wrong')).status).toBe(401)
  })

  it("answers MinIO's HEAD health check", async () => {
    expect((await ask(undefined, AUTH, 'HEAD')).status).toBe(200)
  })

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createPluginServer({ secret: 'short' })).toThrow(/at least 32 bytes/)
  })
})
