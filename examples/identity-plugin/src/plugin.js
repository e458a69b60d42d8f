// @ts-check
/**
 * The plugin side of MinIO's Identity Management Plugin protocol: MinIO (or custom-token-sts) POSTs to us with the
 * client's token in the `token` query parameter and no body; we answer
 *   200 {"user": ..., "maxValiditySeconds": ..., "claims": {...}}   the token is good
 *   403 {"reason": ...}                                            it is not
 * Tokens here are HS256 JWTs signed with a shared secret (see mint-token.js); `sub` is the user, `groups` (if any)
 * is passed on as a claim.
 */
import { timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import { jwtVerify } from 'jose'

/**
 * @typedef {object} PluginOptions
 * @property {string} secret HS256 secret the tokens are signed with, at least 32 bytes.
 * @property {string} [authToken] When set, callers must send exactly this as `Authorization` (MinIO's auth_token).
 * @property {number} [maxValiditySeconds] Longest validity granted, in [900, 31536000]; default 3600.
 */

export const MIN_VALIDITY_SECONDS = 900
export const MAX_VALIDITY_SECONDS = 31536000

/** @param {PluginOptions} options */
export function createPluginServer(options) {
  const secret = new TextEncoder().encode(options.secret)
  if (secret.length < 32) throw new Error('The plugin secret must be at least 32 bytes long')
  const maxValidity = options.maxValiditySeconds ?? 3600
  if (!Number.isInteger(maxValidity) || maxValidity < MIN_VALIDITY_SECONDS || maxValidity > MAX_VALIDITY_SECONDS) {
    throw new Error(`maxValiditySeconds must be an integer in [${MIN_VALIDITY_SECONDS}, ${MAX_VALIDITY_SECONDS}]`)
  }
  const expectedAuth = options.authToken ? Buffer.from(options.authToken) : undefined

  return http.createServer((req, res) => {
    // MinIO sends no body; whatever comes is read and dropped so the connection stays usable.
    req.resume()
    req.on('end', () => {
      answer(req).then(
        ({ status, body }) => send(res, status, body),
        () => send(res, 500, { reason: 'internal error' }),
      )
    })
  })

  /** @param {http.IncomingMessage} req @returns {Promise<{status: number, body?: object}>} */
  async function answer(req) {
    if (expectedAuth && !sameBytes(Buffer.from(req.headers.authorization ?? ''), expectedAuth)) {
      // A caller without the shared Authorization is misconfigured, not a user to deny: not a 403.
      return { status: 401, body: { reason: 'unauthorized caller' } }
    }
    // MinIO checks the plugin is reachable with HEAD (every minute) and with a token-less POST at start-up.
    if (req.method === 'HEAD') return { status: 200 }
    if (req.method !== 'POST') return { status: 405, body: { reason: 'method not allowed' } }
    const token = new URL(req.url ?? '/', 'http://plugin').searchParams.get('token')
    if (!token) return { status: 403, body: { reason: 'no token given' } }
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] })
      const remaining = Number(payload.exp) - Math.floor(Date.now() / 1000)
      // Never beyond the token's own expiry, but MinIO needs at least 900 s.
      const maxValiditySeconds = Math.max(MIN_VALIDITY_SECONDS, Math.min(maxValidity, remaining))
      const claims = Array.isArray(payload.groups) ? { groups: payload.groups } : {}
      return { status: 200, body: { user: payload.sub, maxValiditySeconds, claims } }
    } catch (error) {
      // jose's stable codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ...), never the token itself.
      const code = /** @type {{ code?: unknown }} */ (error).code
      return { status: 403, body: { reason: `invalid token (${typeof code === 'string' ? code : 'malformed'})` } }
    }
  }
}

/** @param {http.ServerResponse} res @param {number} status @param {object} [body] */
function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** @param {Buffer} a @param {Buffer} b */
const sameBytes = (a, b) => a.length === b.length && timingSafeEqual(a, b)
