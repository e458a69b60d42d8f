import { type KeyObject, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto'
import { errors } from 'jose'
import { goJson } from './go-json.js'

/**
 * The session token: an HS512 JWT whose payload is serialised as MinIO serialises it (see go-json.ts).
 *
 * Signing and verifying use node:crypto's HMAC directly: jose's SignJWT cannot take pre-serialised bytes in Go's key
 * order, and every jose sign or verify is an async WebCrypto round trip (about 110 µs a verify with a CryptoKey
 * imported once, 220 µs with the raw key, against 20 µs here) that costs several times the rest of an issuance or
 * of a request's authentication. The output is byte-identical to jose's CompactSign over the same payload, and
 * `verifySessionToken` accepts and refuses as jose's jwtVerify does for every token this server signs (both proved
 * in session-token.test.ts); it throws jose's error classes, with their codes.
 */

// base64url('{"alg":"HS512","typ":"JWT"}'), the header MinIO writes.
const HEADER = Buffer.from('{"alg":"HS512","typ":"JWT"}').toString('base64url')

// A KeyObject made once per key: handing createHmac the raw bytes makes it prepare the key again on every call.
const keyObjects = new WeakMap<Uint8Array, KeyObject>()
const keyObject = (key: Uint8Array) => {
  let object = keyObjects.get(key)
  if (!object) keyObjects.set(key, (object = createSecretKey(key)))
  return object
}

const sign = (signingInput: string, key: Uint8Array) => createHmac('sha512', keyObject(key)).update(signingInput).digest('base64url')

export function signSessionToken(payload: Record<string, unknown>, key: Uint8Array): string {
  const signingInput = `${HEADER}.${Buffer.from(goJson(payload)).toString('base64url')}`
  return flat(`${signingInput}.${sign(signingInput, key)}`)
}

// V8 keeps a concatenation as a tree of its pieces. The token lives in the credential store for its whole validity:
// copied once into a single string it costs about 90 bytes less per stored credential (9 MiB per 100,000).
const flat = (ascii: string) => Buffer.from(ascii, 'latin1').toString('latin1')

/**
 * Checks the signature, the header (exactly the one this server writes: HS512, no `crit`) and, as jwtVerify does,
 * `exp`, `nbf` and `iat`; returns the payload.
 */
export async function verifySessionToken(
  token: string,
  key: Uint8Array,
  nowSeconds: number,
): Promise<Record<string, unknown>> {
  const parts = token.split('.')
  if (parts.length !== 3) throw new errors.JWSInvalid('Invalid Compact JWS')
  const [header, payload, signature] = parts as [string, string, string]
  if (header !== HEADER) throw new errors.JWSSignatureVerificationFailed()
  // Compared as base64url text: only the exact encoding this server writes is accepted, in constant time.
  const expected = Buffer.from(sign(`${header}.${payload}`, key))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new errors.JWSSignatureVerificationFailed()

  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object')
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object')
  }
  const set = claims as Record<string, unknown>
  const numericDate = (name: 'iat' | 'nbf' | 'exp') => {
    const value = set[name]
    if (value !== undefined && typeof value !== 'number') {
      throw new errors.JWTClaimValidationFailed(`"${name}" claim must be a number`, set, name, 'invalid')
    }
    return value
  }
  numericDate('iat')
  const nbf = numericDate('nbf')
  if (nbf !== undefined && nbf > nowSeconds) {
    throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', set, 'nbf', 'check_failed')
  }
  const exp = numericDate('exp')
  if (exp !== undefined && exp <= nowSeconds) throw new errors.JWTExpired('"exp" claim timestamp check failed', set, 'exp', 'check_failed')
  return set
}
