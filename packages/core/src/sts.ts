import { type S3AuthOptions, type S3Authentication, type S3Request, createAuthenticator } from './authenticate.js'
import { type CredentialStore, MemoryCredentialStore } from './credential-store.js'
import { ConfigurationError } from './errors.js'
import type { StsEvent } from './events.js'
import { type IdentityCallback, type IdentityRequest, type Role, resolveIdentity } from './identity.js'
import { createIssuedCredentialsResolver } from './issued-credentials.js'
import {
  BODY_LIMIT,
  type Parameters,
  type ParsedBody,
  addParsedBody,
  addSearchParams,
  bodyTooLarge,
  isFormContentType,
} from './parameters.js'
import { newAccessKeyId, newSecretAccessKey } from './random-keys.js'
import { newRequestId } from './request-id.js'
import { formatRoleArn, isValidRoleId, roleIdFromName } from './role-arn.js'
import { S3AuthError, s3Errors } from './s3-error.js'
import { signSessionToken } from './session-token.js'
import { StsError } from './sts-error.js'
import { validateRequest } from './validate-request.js'
import { errorXml, formatExpiration, successXml } from './xml.js'

export interface RoleOptions {
  /** The `<id>` of `arn:minio:iam:<region>::role/idmp-<id>`: letters, digits, `_` and `-`. */
  id?: string
  /** Without an id, the id is derived from this name as MinIO derives it from a plugin URL. */
  name?: string
  description?: string
  /** Data the host attaches to the role (a policy document, say); `verify` hands it back. */
  policy?: unknown
  /** Decides who a token belongs to. */
  identify: IdentityCallback
}

export interface StsOptions {
  /** HMAC key for session tokens: at least 32 bytes (a string is taken as UTF-8). */
  signingKey: string | Uint8Array
  /** One or more roles, each with its identity callback. */
  roles: RoleOptions[]
  /** Region in the role ARNs. Default '' (as MinIO without a configured region). */
  region?: string
  /** The identity callback's deadline in ms. Default 5000. */
  identityTimeoutMs?: number
  /** Where issued credentials are kept. Default: a `MemoryCredentialStore`. */
  store?: CredentialStore
  /** Unexpected errors and identity failures, with the details the client is never shown. */
  onError?: (error: unknown, context: { requestId: string }) => void
  /** One event per answered request; tokens and secrets are never in it. */
  onEvent?: (event: StsEvent) => void
  /** The clock, in ms since the epoch. For tests. */
  now?: () => number
  /** How `authenticate` checks requests signed with issued credentials: region, service, clock skew, chunk size. */
  s3?: S3AuthOptions
}

export type HeaderValues = Record<string, string | string[] | undefined>

export interface StsRequest {
  method: string
  /** The request target (`/?Action=…`) or an absolute URL; only its query is read. */
  url: string
  headers: HeaderValues
  /** The raw body, or the object a framework's body parser already made of it. */
  body?: string | Uint8Array | ParsedBody
  /** The client's address as the host framework reports it. */
  remoteAddress?: string
}

export interface StsResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface VerifiedCredentials {
  accessKeyId: string
  /** As the identity callback returned it (without `custom:`). */
  user: string
  /** Every claim of the session token, the server's and the identity callback's. */
  claims: Record<string, unknown>
  role: Role
  expiration: Date
}

export interface Sts {
  readonly roles: readonly Role[]
  readonly roleArns: readonly string[]
  /** Answers one request. Never throws for anything a client can send. */
  handle(request: StsRequest): Promise<StsResponse>
  /** The same, for Web-standard runtimes. */
  fetch(request: Request): Promise<Response>
  /** The identity behind credentials this server issued; throws `CredentialsError` otherwise. */
  verify(accessKeyId: string, sessionToken: string): Promise<VerifiedCredentials>
  /**
   * Verifies an AWS Signature Version 4 request (Authorization header or presigned URL) made with credentials this
   * server issued, and returns who made it with a verifier for its body. Throws only `S3AuthError` (anything
   * unexpected, a failing store say, goes to `onError` and becomes a 500 InternalError); render it with
   * `s3ErrorResponse`.
   */
  authenticate(request: S3Request): Promise<S3Authentication>
  /** Revokes one set of credentials: the next request made with them fails with InvalidAccessKeyId. */
  revoke(accessKeyId: string): Promise<void>
  /** Revokes every credential issued to `user` until now; credentials issued afterwards work. */
  revokeUser(user: string): Promise<void>
}

const MIN_KEY_BYTES = 32

export function createSts(options: StsOptions): Sts {
  const key = signingKeyBytes(options.signingKey)
  const region = options.region ?? ''
  const timeoutMs = options.identityTimeoutMs ?? 5000
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('identityTimeoutMs must be a positive integer')
  const roles = buildRoles(options.roles, region)
  const store = options.store ?? new MemoryCredentialStore({ now: options.now })
  const now = options.now ?? Date.now
  const byArn = new Map(roles.map((r) => [r.role.arn, r]))

  const report = (error: unknown, requestId: string) => {
    try {
      options.onError?.(error, { requestId })
    } catch {
      // A failing error hook must not turn into a failing request.
    }
  }
  const emit = (event: StsEvent) => {
    try {
      options.onEvent?.(event)
    } catch (error) {
      report(error, event.requestId)
    }
  }

  async function issue(request: StsRequest, requestId: string): Promise<StsResponse> {
    const { remoteAddress } = request
    const params = readParameters(request)
    const valid = validateRequest(request.method, params, byArn)
    const { role, identify } = byArn.get(valid.roleArn)!
    const outcome = await resolveIdentity(
      identify,
      {
        token: valid.token,
        role,
        durationSeconds: valid.durationSeconds,
        client: clientOf(request),
      },
      timeoutMs,
    )
    if (outcome.kind === 'denied') {
      emit({ type: 'denied', requestId, remoteAddress, roleArn: role.arn, reason: outcome.reason })
      return errorResponse(new StsError(403, 'AccessDenied', outcome.reason), requestId)
    }
    if (outcome.kind === 'error') {
      report(outcome.cause, requestId)
      throw outcome.error
    }
    const { user, maxValiditySeconds, claims } = outcome.identity
    const validity = Math.min(valid.durationSeconds ?? maxValiditySeconds, maxValiditySeconds)
    const exp = Math.floor(now() / 1000) + validity
    const accessKeyId = newAccessKeyId()
    const secretAccessKey = newSecretAccessKey()
    const subject = `custom:${user}`
    const sessionToken = signSessionToken(
      { ...claims, accessKey: accessKeyId, exp, parent: subject, roleArn: role.arn, sub: subject },
      key,
    )
    const expiration = new Date(exp * 1000)
    await store.put({ accessKeyId, secretAccessKey, sessionToken, expiresAt: exp * 1000, user, roleArn: role.arn, issuedAt: now() })
    // Only with a hook: the event costs a second RFC 3339 formatting of the expiration.
    if (options.onEvent) emit({
      type: 'issued',
      requestId,
      remoteAddress,
      roleArn: role.arn,
      user,
      accessKeyId,
      expiration: formatExpiration(expiration),
    })
    return {
      status: 200,
      headers: responseHeaders(requestId),
      body: successXml({ accessKeyId, secretAccessKey, sessionToken, expiration }, subject, requestId),
    }
  }

  async function handle(request: StsRequest): Promise<StsResponse> {
    const requestId = newRequestId()
    try {
      return await issue(request, requestId)
    } catch (error) {
      const answer = error instanceof StsError ? error : internalError()
      if (!(error instanceof StsError)) report(error, requestId)
      emit({ type: 'failed', requestId, remoteAddress: request.remoteAddress, status: answer.status, code: answer.code })
      return errorResponse(answer, requestId)
    }
  }

  async function fetchHandler(request: Request): Promise<Response> {
    const body = request.body ? await readWebBody(request.body) : undefined
    const answer = await handle({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body })
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  }

  // Used only when the store cannot keep per-user revocations itself (see CredentialStore.revokeUser).
  const revokedUsers = new Map<string, number>()
  const storeRevokes = typeof store.revokeUser === 'function' && typeof store.userRevokedBefore === 'function'
  const resolveIssued = createIssuedCredentialsResolver({
    store,
    sessionTokenKey: key,
    roleByArn: (arn) => byArn.get(arn)?.role,
    userRevokedBefore: async (user) => (storeRevokes ? await store.userRevokedBefore!(user) : revokedUsers.get(user)),
    now,
  })
  const authenticator = createAuthenticator({ store, sessionTokenKey: key, resolveIssued, now }, options.s3)

  async function verify(accessKeyId: string, sessionToken: string): Promise<VerifiedCredentials> {
    const { stored, claims, role } = await resolveIssued(accessKeyId, sessionToken)
    return { accessKeyId, user: stored.user, claims, role, expiration: new Date(stored.expiresAt) }
  }

  async function authenticate(request: S3Request): Promise<S3Authentication> {
    try {
      return await authenticator(request)
    } catch (error) {
      if (error instanceof S3AuthError) throw error
      const answer = s3Errors.internal()
      report(error, answer.requestId)
      throw answer
    }
  }

  async function revoke(accessKeyId: string): Promise<void> {
    await store.delete(accessKeyId)
  }

  async function revokeUser(user: string): Promise<void> {
    if (storeRevokes) await store.revokeUser!(user, now())
    else revokedUsers.set(user, Math.max(now(), revokedUsers.get(user) ?? -Infinity))
  }

  return {
    roles: roles.map((r) => r.role),
    roleArns: roles.map((r) => r.role.arn),
    handle,
    fetch: fetchHandler,
    verify,
    authenticate,
    revoke,
    revokeUser,
  }
}

function signingKeyBytes(signingKey: string | Uint8Array): Uint8Array {
  if (typeof signingKey !== 'string' && !(signingKey instanceof Uint8Array)) {
    throw new ConfigurationError('signingKey must be a string or a Uint8Array')
  }
  const bytes = typeof signingKey === 'string' ? Buffer.from(signingKey, 'utf8') : signingKey
  if (bytes.length < MIN_KEY_BYTES) throw new ConfigurationError(`signingKey must be at least ${MIN_KEY_BYTES} bytes long`)
  return Uint8Array.from(bytes)
}

export interface ConfiguredRole {
  role: Role
  identify: IdentityCallback
}

function buildRoles(options: RoleOptions[], region: string): ConfiguredRole[] {
  if (!Array.isArray(options) || options.length === 0) throw new ConfigurationError('At least one role is required')
  if (!/^[A-Za-z0-9-]*$/.test(region)) throw new ConfigurationError('region may hold only letters, digits and dashes')
  const built = options.map((o, i) => {
    if (typeof o?.identify !== 'function') throw new ConfigurationError(`roles[${i}].identify must be a function`)
    let id: string
    if (o.id !== undefined) {
      if (!isValidRoleId(o.id)) throw new ConfigurationError(`roles[${i}].id must match ^[A-Za-z0-9_-]+$`)
      id = o.id
    } else if (typeof o.name === 'string' && o.name !== '') id = roleIdFromName(o.name)
    else throw new ConfigurationError(`roles[${i}] needs an id or a name`)
    const role: Role = { arn: formatRoleArn(region, id), id, description: o.description, policy: o.policy }
    return { role, identify: o.identify }
  })
  const arns = new Set(built.map((r) => r.role.arn))
  if (arns.size !== built.length) throw new ConfigurationError('Two roles have the same ARN')
  return built
}

function readParameters(request: StsRequest): Parameters {
  const params: Parameters = new Map()
  const q = request.url.indexOf('?')
  if (q !== -1) addSearchParams(params, new URLSearchParams(request.url.slice(q + 1)))
  const { body } = request
  if (body === undefined || !isFormContentType(headerValue(request.headers, 'content-type'))) return params
  if (typeof body === 'string') {
    if (Buffer.byteLength(body) > BODY_LIMIT) throw bodyTooLarge()
    addSearchParams(params, new URLSearchParams(body))
  } else if (body instanceof Uint8Array) {
    if (body.length > BODY_LIMIT) throw bodyTooLarge()
    addSearchParams(params, new URLSearchParams(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8')))
  } else if (typeof body === 'object' && body !== null) {
    // A parser upstream already read it; the declared length still tells whether it was within our limit.
    if (Number(headerValue(request.headers, 'content-length')) > BODY_LIMIT) throw bodyTooLarge()
    addParsedBody(params, body)
  }
  return params
}

function headerValue(headers: HeaderValues, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The client as the identity callback sees it; the headers are copied only if the callback reads them. */
function clientOf(request: StsRequest): IdentityRequest['client'] {
  let headers: Record<string, string> | undefined
  return {
    address: request.remoteAddress,
    get headers() {
      return (headers ??= flattenHeaders(request.headers))
    },
  }
}

function flattenHeaders(headers: HeaderValues): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

/** Reads at most one byte past the limit: enough to know the body is too large without holding all of it. */
async function readWebBody(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
      if (size > BODY_LIMIT) break
    }
  } finally {
    reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks)
}

const internalError = () => new StsError(500, 'InternalError', 'We encountered an internal error, please try again.')

function responseHeaders(requestId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'cache-control': 'no-store', ...extra }
}

function errorResponse(error: StsError, requestId: string): StsResponse {
  return {
    status: error.status,
    headers: responseHeaders(requestId, error.headers),
    body: errorXml(error.code, error.message, requestId),
  }
}
