import { CompactSign, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { goJson } from '../src/go-json.js'
import { signSessionToken } from '../src/session-token.js'

// The sample answer on MinIO's page for the action (shared/reference/seed-custom-token-identity.md).
const SEED_TOKEN =
  'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJhY2Nlc3NLZXkiOiIyNFk1SDlWSEUxNEg0N0dFT0tDWCIsImV4cCI6MTY1MzUwODU5NCwiZ3JvdXBzIjpbImRhdGEtc2NpZW5jZSJdLCJwYXJlbnQiOiJjdXN0b206QWxpY2UiLCJyb2xlQXJuIjoiYXJuOm1pbmlvOmlhbTo6OnJvbGUvaWRtcC14eHgiLCJzdWIiOiJjdXN0b206QWxpY2UifQ.1tO1LmlUNXiy-wl-ZbkJLWTpaPlhaGqHehsi21lNAmAGCImHHsPb-GA4lRq6GkvHAODN5ZYCf_S-OwpOOdxFwA'
const seedKey = new TextEncoder().encode('minio123')

describe('session token', () => {
  it("reproduces the seed's token byte for byte from its payload and the secret minio123", () => {
    // Claims given in a different order than MinIO's output: the serialisation must sort them.
    const payload = {
      sub: 'custom:Alice',
      roleArn: 'arn:minio:iam:::role/idmp-xxx',
      parent: 'custom:Alice',
      groups: ['data-science'],
      exp: 1653508594,
      accessKey: '24Y5H9VHE14H47GEOKCX',
    }
    expect(signSessionToken(payload, seedKey)).toBe(SEED_TOKEN)
  })

  it("is byte-identical to jose's CompactSign over the same payload", async () => {
    const key = new TextEncoder().encode('k'.repeat(48))
    const payload = { z: 1, a: { y: '<&>', b: [1, 'two', null, true] }, exp: 2000000000, 'ü': 'é\u2028' }
    const ours = signSessionToken(payload, key)
    const theirs = await new CompactSign(new TextEncoder().encode(goJson(payload)))
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .sign(key)
    expect(ours).toBe(theirs)
  })

  it('is accepted by jose jwtVerify with the same key, refused with another', async () => {
    const key = new TextEncoder().encode('k'.repeat(48))
    const token = signSessionToken({ sub: 'custom:Bob', exp: Math.floor(Date.now() / 1000) + 60 }, key)
    const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: ['HS512'] })
    expect(payload.sub).toBe('custom:Bob')
    expect(protectedHeader).toEqual({ alg: 'HS512', typ: 'JWT' })
    await expect(jwtVerify(token, new TextEncoder().encode('x'.repeat(48)))).rejects.toThrow()
  })
})

describe('goJson', () => {
  it('sorts keys at every level bytewise and escapes as Go does', () => {
    expect(goJson({ b: { d: 1, c: [{ f: 2, e: 3 }] }, a: '<a&b>\u2028\u2029' })).toBe(
      '{"a":"\\u003ca\\u0026b\\u003e\\u2028\\u2029","b":{"c":[{"e":3,"f":2}],"d":1}}',
    )
  })

  it('orders non-BMP keys by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF01 is EF BC 81 in UTF-8, U+1F600 is F0 9F 98 80: Go puts U+FF01 first; UTF-16 order would not.
    expect(goJson({ '\u{1F600}': 1, '\uFF01': 2 })).toBe('{"\uFF01":2,"\u{1F600}":1}')
  })
})
