import { createHmac } from 'node:crypto'
import { CompactSign, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { goJson } from '../src/go-json.js'
import { signSessionToken, verifySessionToken } from '../src/session-token.js'

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

describe('verifySessionToken', () => {
  const key = new TextEncoder().encode('k'.repeat(48))
  const now = 1_900_000_000
  const signed = (payload: Record<string, unknown>) => signSessionToken(payload, key)
  const base = { accessKey: 'AKIAEXAMPLE', sub: 'custom:Bob', roleArn: 'arn:minio:iam:::role/idmp-x' }
  const token = signed({ ...base, exp: now + 60 })
  const [header, payload, signature] = token.split('.') as [string, string, string]
  const encode = (text: string) => Buffer.from(text).toString('base64url')
  const hs512 = (input: string) => createHmac('sha512', key).update(input).digest('base64url')
  const cases: [string, string, number][] = [
    ['valid', token, now],
    ['valid at the epoch (how an expired token is recognised as ours)', signed({ ...base, exp: now - 60 }), 0],
    ['expired', signed({ ...base, exp: now - 60 }), now],
    ['expiring this second', signed({ ...base, exp: now }), now],
    ['without exp', signed(base), now],
    ['exp not a number', signed({ ...base, exp: String(now + 60) }), now],
    ['nbf in the future', signed({ ...base, exp: now + 60, nbf: now + 30 }), now],
    ['nbf in the past', signed({ ...base, exp: now + 60, nbf: now - 30 }), now],
    ['nbf not a number', signed({ ...base, exp: now + 60, nbf: 'soon' }), now],
    ['iat not a number', signed({ ...base, exp: now + 60, iat: true }), now],
    ['iat in the future', signed({ ...base, exp: now + 60, iat: now + 600 }), now],
    ['signed with another key', signSessionToken({ ...base, exp: now + 60 }, new TextEncoder().encode('x'.repeat(48))), now],
    ['payload changed', `${header}.${encode(JSON.stringify({ ...base, sub: 'custom:Eve', exp: now + 60 }))}.${signature}`, now],
    ['signature truncated', `${header}.${payload}.${signature.slice(0, -2)}`, now],
    ['no signature', `${header}.${payload}.`, now],
    ['alg none', `${encode('{"alg":"none"}')}.${payload}.`, now],
    ['alg HS256', `${encode('{"alg":"HS256"}')}.${payload}.${createHmac('sha256', key).update(`${encode('{"alg":"HS256"}')}.${payload}`).digest('base64url')}`, now],
    ['crit header', ((h) => `${h}.${payload}.${hs512(`${h}.${payload}`)}`)(encode('{"alg":"HS512","crit":["x"],"x":1}')), now],
    ['array payload', ((p) => `${header}.${p}.${hs512(`${header}.${p}`)}`)(encode('[1,2]')), now],
    ['not JSON', ((p) => `${header}.${p}.${hs512(`${header}.${p}`)}`)(encode('{"a":')), now],
    ['two parts', `${header}.${payload}`, now],
    ['four parts', `${token}.x`, now],
  ]

  it.each(cases)("accepts or refuses as jose's jwtVerify does: %s", async (_, candidate, at) => {
    const outcome = (promise: Promise<{ payload?: unknown } | Record<string, unknown>>) =>
      promise.then(
        (result) => ({ ok: true, payload: 'payload' in result ? result.payload : result }),
        (error: { code?: string }) => ({ ok: false, expired: error.code === 'ERR_JWT_EXPIRED' }),
      )
    const theirs = await outcome(jwtVerify(candidate, key, { algorithms: ['HS512'], currentDate: new Date(at * 1000) }))
    const ours = await outcome(verifySessionToken(candidate, key, at))
    expect(ours).toEqual(theirs)
  })

  it('throws jose\'s JWTExpired, with its code, for an expired token', async () => {
    await expect(verifySessionToken(signed({ ...base, exp: now - 1 }), key, now)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' })
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

  it('orders array-index keys as strings, which a JavaScript object cannot hold in that order', () => {
    // JavaScript lists "9" before "10"; Go's bytewise sort puts "10" first.
    expect(goJson({ a: 1, 9: 2, 10: 3 })).toBe('{"10":3,"9":2,"a":1}')
    expect(goJson({ z: [{ b: 1, 4294967295: 2, 0: 3 }] })).toBe('{"z":[{"0":3,"4294967295":2,"b":1}]}')
  })

  it('keeps a `__proto__` key as data', () => {
    expect(goJson(JSON.parse('{"b":1,"__proto__":{"y":1,"x":2}}'))).toBe('{"__proto__":{"x":2,"y":1},"b":1}')
  })

  it('writes what a plain reference serialiser writes, for many generated values', () => {
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value)
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
      const entries = Object.entries(value as Record<string, unknown>)
      entries.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`
    }
    const goEscaped = (text: string) => text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const keyParts = ['a', 'B', '_', '0', '7', '10', '<', '\u00e9', '\uff01', '\u{1F600}', '\u2028', '__proto__']
    const generate = (depth: number): unknown => {
      const kind = random(depth > 2 ? 4 : 6)
      if (kind === 0) return random(1000) - 500 + random(2) / 4
      if (kind === 1) return keyParts.slice(0, random(keyParts.length)).join('')
      if (kind === 2) return random(2) === 0
      if (kind === 3) return null
      if (kind === 4) return Array.from({ length: random(4) }, () => generate(depth + 1))
      const record: Record<string, unknown> = {}
      for (let i = random(5); i > 0; i--) {
        Object.defineProperty(record, keyParts[random(keyParts.length)]! + (random(3) === 0 ? keyParts[random(keyParts.length)] : ''), {
          value: generate(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return record
    }
    for (let i = 0; i < 2000; i++) {
      const value = generate(0)
      expect(goJson(value)).toBe(goEscaped(reference(value)))
    }
  })
})
