import { createHmac } from 'node:crypto'
import { jwtVerify } from 'jose'
import { goJson } from './go-json.js'

/**
 * The session token: an HS512 JWT whose payload is serialised as MinIO serialises it (see go-json.ts).
 *
 * Signing uses node:crypto's HMAC directly: jose's SignJWT cannot take pre-serialised bytes in Go's key order, and
 * every jose sign is an async WebCrypto round trip that costs several times the rest of an issuance. The output is
 * byte-identical to jose's CompactSign over the same payload (proved in session-token.test.ts); verification uses
 * jose.
 */

// base64url('{"alg":"HS512","typ":"JWT"}'), the header MinIO writes.
const HEADER = Buffer.from('{"alg":"HS512","typ":"JWT"}').toString('base64url')

export function signSessionToken(payload: Record<string, unknown>, key: Uint8Array): string {
  const signingInput = `${HEADER}.${Buffer.from(goJson(payload)).toString('base64url')}`
  const signature = createHmac('sha512', key).update(signingInput).digest('base64url')
  return `${signingInput}.${signature}`
}

/** Checks signature, algorithm and `exp`; returns the payload. Throws jose's errors. */
export async function verifySessionToken(
  token: string,
  key: Uint8Array,
  nowSeconds: number,
): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(token, key, { algorithms: ['HS512'], currentDate: new Date(nowSeconds * 1000) })
  return payload
}
