import { timingSafeEqual } from 'node:crypto'
import type { CredentialStore, StoredCredentials } from './credential-store.js'
import { CredentialsError, type CredentialsErrorCode } from './errors.js'
import type { Role } from './identity.js'
import { type IssuedCredentials, type ResolveIssued, isOwnExpiredToken } from './issued-credentials.js'
import { type S3AuthError, s3Errors } from './s3-error.js'
import { formatAmzDate, parseAmzDate, parseDateHeader } from './sigv4/amz-date.js'
import {
  EMPTY_SHA256,
  type HeaderValues,
  canonicalRequest,
  hmacHex,
  scopeString,
  signingKey,
  stringToSign,
} from './sigv4/canonical-request.js'
import { type ChecksumTrailer, isChecksumTrailer } from './sigv4/checksum.js'
import { ChunkedPayload, DEFAULT_MAX_CHUNK_SIZE } from './sigv4/chunked-payload.js'
import { type SignatureParameters, checkScope, parseAuthorizationHeader, parsePresignedQuery } from './sigv4/parse-authorization.js'
import {
  type BodySource,
  type PayloadDecoder,
  Sha256Payload,
  UnsignedPayload,
  decodeBody,
  decodeBufferedBody,
} from './sigv4/payload.js'
import { UnsignedTrailerPayload } from './sigv4/unsigned-trailer-payload.js'

/** A request to authenticate, in no framework's shape. */
export interface S3Request {
  method: string
  /**
   * The request target exactly as sent: path and query, still percent-encoded (`req.originalUrl` in Express,
   * `ctx.originalUrl` in Koa, path + search of `c.req.url` in Hono). Under a mount prefix it must include the
   * prefix: the client signed the full path. An absolute URL is accepted; its scheme and authority are ignored.
   */
  url: string
  /** Lower-case names, as Node gives them. `host` must be the Host header the client sent. */
  headers: HeaderValues
}

export interface S3AuthOptions {
  /** The region clients must sign for. Default 'us-east-1'. */
  region?: string
  /** The service clients must sign for. Default 's3'. */
  service?: string
  /** Largest difference between the request's time and the server's, in ms. Default 15 minutes, as S3. */
  maxSkewMs?: number
  /** Largest aws-chunked chunk accepted, in bytes. Default 16 MiB, as MinIO. */
  maxChunkSize?: number
}

/** Who made an authenticated request. */
export interface S3Principal {
  accessKeyId: string
  /** As the identity callback returned it (without `custom:`). */
  user: string
  /** Every claim of the session token, the server's and the identity callback's. */
  claims: Record<string, unknown>
  roleArn: string
  role: Role
  /** The role's `policy` data, as configured. */
  policy: unknown
  expiration: Date
}

/**
 * How the body is covered by the signature (x-amz-content-sha256). `streaming-unsigned-trailer`
 * (STREAMING-UNSIGNED-PAYLOAD-TRAILER): aws-chunked without chunk signatures, guarded by the checksum trailer that
 * x-amz-trailer announces (`trailer`); like `unsigned`, the signature does not cover the payload.
 */
export type PayloadKind = 'unsigned' | 'sha256' | 'streaming' | 'streaming-unsigned-trailer'

export interface S3Authentication {
  principal: S3Principal
  /** Where the signature was: the Authorization header, or a presigned URL's query. */
  via: 'header' | 'query'
  payload: PayloadKind
  /** The x-amz-content-sha256 in effect (UNSIGNED-PAYLOAD when a presigned URL gives none). */
  contentSha256: string
  /** For `streaming` and `streaming-unsigned-trailer`: the payload's length, from x-amz-decoded-content-length. */
  decodedContentLength?: number
  /** For `streaming-unsigned-trailer`: the checksum trailer verified at the end (x-amz-checksum-crc32, ...). */
  trailer?: string
  /** The time the client signed. */
  signedAt: Date
  /**
   * Wraps the raw request body (a Node request, a Web ReadableStream, any iterable of byte chunks) and yields the
   * payload: unchanged for `unsigned` and `sha256`, de-chunked for `streaming` and `streaming-unsigned-trailer`.
   * Throws an `S3AuthError` where the body stops matching: at the end with XAmzContentSHA256Mismatch for `sha256`
   * and BadDigest for `streaming-unsigned-trailer` (bytes already yielded are then not to be trusted), at the
   * tampered chunk with SignatureDoesNotMatch for `streaming` (only verified chunks are ever yielded), IncompleteBody
   * for a truncated aws-chunked body. Holds at most one chunk in memory.
   * Call it once per request.
   */
  verifyBody(body: BodySource): AsyncGenerator<Uint8Array, void, undefined>
  /** The same for a body already in memory; returns the payload. */
  verifyBufferedBody(body: Uint8Array | string): Buffer
  /** A fresh push decoder (`push(bytes)` / `end()`), for plumbing `verifyBody` does not fit. */
  payloadDecoder(): PayloadDecoder
}

export interface AuthenticatorContext {
  store: CredentialStore
  sessionTokenKey: Uint8Array
  resolveIssued: ResolveIssued
  now(): number
}

const UNSIGNED = 'UNSIGNED-PAYLOAD'
const STREAMING = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
const HEX64 = /^[0-9a-fA-F]{64}$/
const DEFAULT_SKEW_MS = 15 * 60 * 1000

export type Authenticate = (request: S3Request) => Promise<S3Authentication>

/**
 * Builds `authenticate`. Checks, in this order (MinIO's, where it has one): the form of the signature parameters;
 * the request date and the credential scope (date, region, service, terminal); clock skew (header form); that
 * `host` and every x-amz-* header are signed; x-amz-content-sha256; the credentials (known access key, session
 * token present and equal in constant time to the one issued, not expired, JWT signature and `exp`, not revoked,
 * role still configured); presign validity window; the signature, compared in constant time.
 */
export function createAuthenticator(context: AuthenticatorContext, options: S3AuthOptions = {}): Authenticate {
  const region = options.region ?? 'us-east-1'
  const service = options.service ?? 's3'
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_SKEW_MS
  const maxChunkSize = options.maxChunkSize ?? DEFAULT_MAX_CHUNK_SIZE

  return async function authenticate(request: S3Request): Promise<S3Authentication> {
    const { path, query } = splitTarget(request.url)
    const headers = request.headers
    const authorization = first(headers.authorization)
    const params = new URLSearchParams(query)
    const presigned = params.has('X-Amz-Algorithm') || params.has('X-Amz-Signature') || params.has('X-Amz-Credential')
    if (authorization !== undefined && presigned) {
      throw s3Errors.invalidArgument(
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      )
    }
    if (authorization === undefined && !presigned) {
      // A v2 presigned URL (AWSAccessKeyId/Signature) is a mechanism we do not support; anything else is anonymous.
      if (params.has('AWSAccessKeyId') && params.has('Signature')) throw s3Errors.unsupportedMechanism()
      throw s3Errors.accessDenied()
    }

    const now = context.now()
    let signature: SignatureParameters
    let amzDate: string
    let signedAt: number
    let sessionToken: string | undefined
    let contentSha256: string
    let presignWindow: { from: number; expiresSeconds: number } | undefined

    if (authorization !== undefined) {
      const parsed = parseAuthorizationHeader(authorization)
      const xAmzDate = first(headers['x-amz-date'])
      if (xAmzDate !== undefined) {
        const ms = parseAmzDate(xAmzDate)
        if (ms === undefined) throw s3Errors.malformedDate()
        amzDate = xAmzDate
        signedAt = ms
      } else {
        const date = first(headers.date)
        if (date === undefined) throw s3Errors.missingDate()
        const ms = parseDateHeader(date)
        if (ms === undefined) throw s3Errors.malformedDate()
        amzDate = formatAmzDate(ms)
        signedAt = ms
      }
      checkScope('header', parsed, { region, service }, amzDate)
      if (Math.abs(now - signedAt) > maxSkewMs) throw s3Errors.skewed()
      signature = parsed
      sessionToken = first(headers['x-amz-security-token'])
      // MinIO's default when the header is absent: the hash of an empty body.
      contentSha256 = first(headers['x-amz-content-sha256']) ?? EMPTY_SHA256
    } else {
      const parsed = parsePresignedQuery(params, parseAmzDate)
      checkScope('query', parsed, { region, service }, parsed.amzDate)
      amzDate = parsed.amzDate
      signedAt = parsed.date
      signature = parsed
      sessionToken = parsed.sessionToken ?? first(headers['x-amz-security-token'])
      contentSha256 = parsed.contentSha256 ?? first(headers['x-amz-content-sha256']) ?? UNSIGNED
      presignWindow = { from: parsed.date, expiresSeconds: parsed.expiresSeconds }
    }

    checkSignedHeaders(signature.signedHeaders, headers)

    const payload = payloadKind(contentSha256)
    let decodedContentLength: number | undefined
    let trailer: ChecksumTrailer | undefined
    if (payload === 'streaming' || payload === 'streaming-unsigned-trailer') {
      if (presignWindow) throw s3Errors.invalidRequest('A presigned request cannot carry an aws-chunked payload.')
      const declared = first(headers['x-amz-decoded-content-length'])
      if (declared === undefined || !/^\d{1,15}$/.test(declared)) throw s3Errors.missingContentLength()
      decodedContentLength = Number(declared)
    }
    if (payload === 'streaming-unsigned-trailer') {
      const announced = first(headers['x-amz-trailer'])?.trim().toLowerCase()
      if (!announced) throw s3Errors.invalidRequest('x-amz-trailer is required with a trailer payload.')
      // CRC64NVME (and several trailers at once) are real S3 features this package does not implement yet.
      if (!isChecksumTrailer(announced)) throw s3Errors.notImplemented()
      trailer = announced
    }

    const stored = await resolveCredentials(context, signature.accessKeyId, sessionToken, now)

    if (presignWindow) {
      if (presignWindow.from > now + maxSkewMs) throw s3Errors.presignNotYetValid()
      if (now - presignWindow.from > presignWindow.expiresSeconds * 1000) throw s3Errors.expiredPresign()
    }

    const key = cachedSigningKey(stored.credentials, signature.scope)
    const canonical = canonicalRequest({
      method: request.method,
      path,
      query,
      headers,
      signedHeaders: signature.signedHeaders,
      payloadHash: contentSha256,
      excludeQuery: presignWindow ? 'X-Amz-Signature' : undefined,
    })
    const expected = hmacHex(key, stringToSign(amzDate, signature.scope, canonical))
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature.signature))) throw s3Errors.signatureMismatch()

    const makeDecoder = (): PayloadDecoder => {
      if (payload === 'unsigned') return new UnsignedPayload()
      if (payload === 'sha256') return new Sha256Payload(contentSha256)
      if (payload === 'streaming-unsigned-trailer') {
        return new UnsignedTrailerPayload({ trailer: trailer!, decodedContentLength: decodedContentLength!, maxChunkSize })
      }
      return new ChunkedPayload({
        signingKey: key,
        amzDate,
        scope: signature.scope,
        seedSignature: expected,
        decodedContentLength: decodedContentLength!,
        maxChunkSize,
      })
    }

    return {
      principal: stored.principal,
      via: presignWindow ? 'query' : 'header',
      payload,
      contentSha256,
      decodedContentLength,
      trailer,
      signedAt: new Date(signedAt),
      verifyBody: (body) => decodeBody(makeDecoder(), body),
      verifyBufferedBody: (body) => decodeBufferedBody(makeDecoder(), body),
      payloadDecoder: makeDecoder,
    }
  }
}

// The derived key changes only with the day, region and service: four HMACs saved on every other request. Keyed by
// the stored entry, so a store that hands out fresh objects derives it every time.
const signingKeys = new WeakMap<StoredCredentials, { scope: string; key: Buffer }>()

function cachedSigningKey(credentials: StoredCredentials, scope: SignatureParameters['scope']): Buffer {
  const id = scopeString(scope)
  const cached = signingKeys.get(credentials)
  if (cached?.scope === id) return cached.key
  const key = signingKey(credentials.secretAccessKey, scope)
  signingKeys.set(credentials, { scope: id, key })
  return key
}

function payloadKind(contentSha256: string): PayloadKind {
  if (contentSha256 === UNSIGNED) return 'unsigned'
  if (contentSha256 === STREAMING) return 'streaming'
  if (contentSha256 === STREAMING_UNSIGNED_TRAILER) return 'streaming-unsigned-trailer'
  if (HEX64.test(contentSha256)) return 'sha256'
  // The signed trailer and ECDSA variants of aws-chunked are real S3 features this package does not implement yet.
  if (contentSha256.startsWith('STREAMING-')) throw s3Errors.notImplemented()
  throw s3Errors.invalidArgument(
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.',
  )
}

/** S3 refuses a signature that leaves out `host` or any x-amz-* header the request carries. */
function checkSignedHeaders(signedHeaders: readonly string[], headers: HeaderValues): void {
  const signed = new Set(signedHeaders)
  if (!signed.has('host')) throw s3Errors.unsignedHeaders()
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase()
    if (lower.startsWith('x-amz-') && headers[name] !== undefined && !signed.has(lower)) throw s3Errors.unsignedHeaders()
  }
}

async function resolveCredentials(
  context: AuthenticatorContext,
  accessKeyId: string,
  sessionToken: string | undefined,
  now: number,
): Promise<{ credentials: StoredCredentials; principal: S3Principal }> {
  if (sessionToken === undefined || sessionToken === '') {
    // Without a token, only the store can tell whether the key exists at all.
    if (!(await context.store.get(accessKeyId))) throw s3Errors.invalidAccessKeyId()
    throw s3Errors.missingSecurityHeader()
  }
  let issued: IssuedCredentials
  try {
    issued = await context.resolveIssued(accessKeyId, sessionToken)
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error
    if (error.code === 'ERR_CREDENTIALS_UNKNOWN' && (await isOwnExpiredToken(context.sessionTokenKey, sessionToken, accessKeyId, now))) {
      throw s3Errors.expiredToken()
    }
    throw S3_ERROR_OF[error.code]()
  }
  const { stored, claims, role } = issued
  return {
    credentials: stored,
    principal: {
      accessKeyId,
      user: stored.user,
      claims,
      roleArn: role.arn,
      role,
      policy: role.policy,
      expiration: new Date(stored.expiresAt),
    },
  }
}

const S3_ERROR_OF: Record<CredentialsErrorCode, () => S3AuthError> = {
  ERR_CREDENTIALS_UNKNOWN: s3Errors.invalidAccessKeyId,
  ERR_CREDENTIALS_TOKEN_MISMATCH: s3Errors.invalidToken,
  ERR_CREDENTIALS_EXPIRED: s3Errors.expiredToken,
  ERR_CREDENTIALS_BAD_SIGNATURE: s3Errors.invalidToken,
  ERR_CREDENTIALS_REVOKED: s3Errors.invalidAccessKeyId,
  ERR_CREDENTIALS_ROLE_GONE: s3Errors.roleGone,
}

function splitTarget(url: string): { path: string; query: string } {
  let target = url
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target)
  if (scheme) target = target.slice(scheme[0].length)
  const hash = target.indexOf('#')
  if (hash !== -1) target = target.slice(0, hash)
  const q = target.indexOf('?')
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
