/**
 * MinIO's Identity Management Plugin protocol, client side: an identity callback that asks an existing MinIO plugin
 * (the webhook behind MINIO_IDENTITY_PLUGIN_URL) about a token, exactly as MinIO asks it, and a role whose ARN is
 * the one MinIO gives that plugin. Teams move from MinIO's STS to this one without touching the plugin or the
 * clients' RoleArn.
 *
 * Transport: node:http(s) with a keep-alive Agent per plugin, not the global fetch. fetch (undici) also keeps
 * connections alive, but it adds headers of its own (Accept-Encoding, Sec-Fetch-Mode, ...), decompresses bodies
 * before we can count their bytes, and shares a process-wide dispatcher that the host may replace. node:http sends
 * what MinIO sends and lets the size cap apply to the bytes on the wire.
 */
import http from 'node:http'
import https from 'node:https'
import { ConfigurationError, IdentityDenied } from './errors.js'
import { setQueryParameter } from './go-query.js'
import type { Identity, IdentityCallback } from './identity.js'
import { isValidRoleId } from './role-arn.js'
import type { RoleOptions } from './sts.js'

export interface MinioIdentityPluginOptions {
  /** The plugin's endpoint, as MINIO_IDENTITY_PLUGIN_URL: an http or https URL, its own query kept. */
  url: string
  /** Sent verbatim as the `Authorization` header, as MINIO_IDENTITY_PLUGIN_AUTH_TOKEN (`Bearer …` included). */
  authToken?: string
  /** How long the plugin has to answer, body included, in ms. Default 5000, as MinIO. */
  timeoutMs?: number
}

export interface MinioPluginRoleOptions extends MinioIdentityPluginOptions {
  /** MINIO_IDENTITY_PLUGIN_ROLE_ID: the ARN's id when set; otherwise the id is derived from `url` as MinIO does. */
  roleId?: string
  /** MINIO_IDENTITY_PLUGIN_ROLE_POLICY (comma-separated policy names); kept as the role's `policy`. */
  rolePolicy?: string
}

export type IdentityPluginErrorCode =
  | 'ERR_PLUGIN_UNREACHABLE'
  | 'ERR_PLUGIN_TIMEOUT'
  | 'ERR_PLUGIN_ABORTED'
  | 'ERR_PLUGIN_STATUS'
  | 'ERR_PLUGIN_RESPONSE'
  | 'ERR_PLUGIN_RESPONSE_TOO_LARGE'

/**
 * Why the plugin could not answer. The core turns it into 400 IDPCommunicationError and hands it to `onError`.
 * Its message names the plugin by origin and path only and never holds the token (MinIO's does: it prints the URL).
 */
export class IdentityPluginError extends Error {
  override name = 'IdentityPluginError'
  constructor(
    readonly code: IdentityPluginErrorCode,
    message: string,
    /** The plugin's HTTP status, when it answered with an unexpected one. */
    readonly status?: number,
  ) {
    super(message)
  }
}

/** The most of a plugin's answer we read; a larger answer is a failure (a denial, for a 403). */
export const PLUGIN_RESPONSE_LIMIT = 64 * 1024

const DEFAULT_TIMEOUT_MS = 5000
const DEFAULT_DENIAL = 'The identity plugin denied the token'
const MIN_VALIDITY = 900
const MAX_VALIDITY = 365 * 24 * 3600

interface PluginTarget {
  client: typeof http | typeof https
  agent: http.Agent
  hostname: string
  port: string
  path: string
  rawQuery: string
  /** Origin and path: for error messages (the configured query or credentials may be secret). */
  display: string
  /** Basic credentials from the URL's userinfo, which Go's client sends when no Authorization is set. */
  auth?: string
}

/** An identity callback that asks a MinIO identity plugin, over MinIO's webhook protocol. */
export function minioIdentityPlugin(options: MinioIdentityPluginOptions): IdentityCallback {
  const target = pluginTarget(options?.url)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('timeoutMs must be a positive integer')
  const authToken = options.authToken ?? ''
  if (typeof authToken !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(authToken)) {
    throw new ConfigurationError('authToken must be a string that can be sent as a header value (no control characters)')
  }

  return async ({ token, signal }) => {
    const deadline = AbortSignal.timeout(timeoutMs)
    const abort = AbortSignal.any([signal, deadline])
    const path = `${target.path}?${setQueryParameter(target.rawQuery, 'token', token)}`
    const headers: http.OutgoingHttpHeaders = { 'content-length': '0' }
    if (authToken !== '') headers.authorization = authToken
    try {
      const res = await post(target, path, headers, abort)
      if (res.statusCode === 200) return parseIdentity(await readCapped(res, abort), target)
      if (res.statusCode === 403) throw new IdentityDenied(await denialReason(res, abort, token))
      discard(res)
      throw new IdentityPluginError(
        'ERR_PLUGIN_STATUS',
        `The identity plugin at ${target.display} answered with HTTP status ${res.statusCode}`,
        res.statusCode,
      )
    } catch (error) {
      if (error instanceof IdentityDenied || error instanceof IdentityPluginError) throw error
      if (deadline.aborted) {
        throw new IdentityPluginError('ERR_PLUGIN_TIMEOUT', `The identity plugin at ${target.display} did not answer within ${timeoutMs} ms`)
      }
      if (signal.aborted) throw new IdentityPluginError('ERR_PLUGIN_ABORTED', `The request to the identity plugin at ${target.display} was aborted`)
      // Only the error's code: a message could quote what was sent. Node's network errors carry no URL, but why rely on it.
      const code = (error as NodeJS.ErrnoException | undefined)?.code
      throw new IdentityPluginError(
        'ERR_PLUGIN_UNREACHABLE',
        `The identity plugin at ${target.display} could not be reached${typeof code === 'string' ? ` (${code})` : ''}`,
      )
    }
  }
}

/**
 * A role for `createSts` answered by a MinIO identity plugin, with the ARN MinIO gives it:
 * `arn:minio:iam:<region>::role/idmp-<roleId>`, or with an id derived from the URL string exactly as given when no
 * role id is set (so `http://host:8081` and `http://host:8081/` are different roles, as in MinIO).
 */
export function minioPluginRole(options: MinioPluginRoleOptions): RoleOptions {
  // MinIO treats an empty role id as unset (an empty environment variable, say).
  const roleId = options?.roleId === '' ? undefined : options?.roleId
  if (roleId !== undefined && (typeof roleId !== 'string' || !isValidRoleId(roleId))) {
    throw new ConfigurationError('roleId must match ^[A-Za-z0-9_-]+$')
  }
  const identify = minioIdentityPlugin(options)
  return {
    ...(roleId === undefined ? { name: options.url } : { id: roleId }),
    description: `MinIO identity plugin at ${displayOf(new URL(options.url))}`,
    policy: options.rolePolicy,
    identify,
  }
}

function pluginTarget(url: unknown): PluginTarget {
  if (typeof url !== 'string' || url === '') throw new ConfigurationError('The identity plugin url is required')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigurationError('The identity plugin url is not a valid URL')
  }
  const secure = parsed.protocol === 'https:'
  if (!secure && parsed.protocol !== 'http:') throw new ConfigurationError('The identity plugin url must be http or https')
  const auth = parsed.username || parsed.password
    ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`
    : undefined
  return {
    client: secure ? https : http,
    agent: secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }),
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port,
    path: parsed.pathname || '/',
    rawQuery: parsed.search.slice(1),
    display: displayOf(parsed),
    auth,
  }
}

/** Origin and path only: the configured query or userinfo may hold secrets. */
const displayOf = (url: URL) => `${url.origin}${url.pathname}`

/**
 * POST with no body. A kept-alive connection the plugin closed meanwhile fails with ECONNRESET before anything was
 * answered; that one case is retried once on a fresh connection (what Node's documentation recommends).
 */
async function post(
  target: PluginTarget,
  path: string,
  headers: http.OutgoingHttpHeaders,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = target.client.request(
          {
            method: 'POST',
            hostname: target.hostname,
            port: target.port || undefined,
            path,
            headers,
            agent: target.agent,
            signal,
            ...(target.auth !== undefined && headers.authorization === undefined ? { auth: target.auth } : {}),
          },
          resolve,
        )
        req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })))
        req.end()
      })
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { reusedSocket?: boolean }
      if (attempt === 0 && e.reusedSocket && e.code === 'ECONNRESET' && !signal.aborted) continue
      throw error
    }
  }
}

/** The body, or a failure beyond the limit; the connection is dropped rather than drained when the body is too big. */
function readCapped(res: http.IncomingMessage, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(res.headers['content-length'])
  if (declared > PLUGIN_RESPONSE_LIMIT) {
    discard(res)
    return Promise.reject(tooLarge())
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    // Settles once; destroying the response afterwards emits events of its own that must not win.
    const finish = (error?: Error) => {
      signal.removeEventListener('abort', onAbort)
      res.removeAllListeners('data')
      if (error) {
        reject(error)
        res.destroy()
      } else resolve(Buffer.concat(chunks))
    }
    const onAbort = () => finish(new Error('aborted'))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    res.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > PLUGIN_RESPONSE_LIMIT) finish(tooLarge())
      else chunks.push(chunk)
    })
    res.on('end', () => finish())
    res.on('error', (error) => finish(error))
    res.on('aborted', () => finish(new Error('aborted')))
  })
}

/** Drops the connection instead of reading an answer we do not need (it could be endless). */
function discard(res: http.IncomingMessage): void {
  res.on('error', () => {})
  res.destroy()
}

const tooLarge = () =>
  new IdentityPluginError('ERR_PLUGIN_RESPONSE_TOO_LARGE', `The identity plugin's answer is larger than ${PLUGIN_RESPONSE_LIMIT} bytes`)

/**
 * A 403 is a denial whatever its body: the reason when the body is `{"reason": "…"}` (any letter case), a fixed
 * one otherwise. A reason that quotes the token is not passed on, since the client's error message would show it.
 */
async function denialReason(res: http.IncomingMessage, signal: AbortSignal, token: string): Promise<string> {
  let reason: unknown
  try {
    const body: unknown = JSON.parse((await readCapped(res, signal)).toString('utf8'))
    if (isObject(body)) reason = goField(body, 'reason')
  } catch {
    return DEFAULT_DENIAL
  }
  if (typeof reason !== 'string' || reason.trim() === '' || (token !== '' && reason.includes(token))) return DEFAULT_DENIAL
  return reason
}

/**
 * The 200 answer decoded as Go's encoding/json decodes it into MinIO's struct: field names match in any letter
 * case, unknown fields are ignored, `null` leaves a field empty, and a value of the wrong type (`"3600"`, `3600.5`)
 * is an error. An empty user passes through: the core refuses it with 500, as MinIO does.
 */
function parseIdentity(body: Buffer, target: PluginTarget): Identity {
  const invalid = (why: string) =>
    new IdentityPluginError('ERR_PLUGIN_RESPONSE', `The identity plugin at ${target.display} answered 200 with ${why}`)
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw invalid('a body that is not JSON')
  }
  if (parsed === null) parsed = {}
  if (!isObject(parsed)) throw invalid('JSON that is not an object')
  const user = goField(parsed, 'user') ?? ''
  const maxValiditySeconds = goField(parsed, 'maxValiditySeconds') ?? 0
  const claims = goField(parsed, 'claims') ?? {}
  if (typeof user !== 'string') throw invalid('a `user` that is not a string')
  if (typeof maxValiditySeconds !== 'number' || !Number.isInteger(maxValiditySeconds)) {
    throw invalid('a `maxValiditySeconds` that is not an integer')
  }
  if (maxValiditySeconds < MIN_VALIDITY || maxValiditySeconds > MAX_VALIDITY) {
    throw invalid(`a \`maxValiditySeconds\` of ${maxValiditySeconds}, outside [${MIN_VALIDITY}, ${MAX_VALIDITY}]`)
  }
  if (!isObject(claims)) throw invalid('`claims` that are not an object')
  return { user, maxValiditySeconds, claims }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The value Go's decoder would store in the field `name`: every key matching it case-insensitively is assigned in
 * turn, so the last one wins. Undefined when no key matches.
 */
function goField(object: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase()
  let value: unknown
  for (const [key, v] of Object.entries(object)) {
    // Go leaves a field as it was when the value is null.
    if (v !== null && key.toUpperCase().toLowerCase() === wanted) value = v
  }
  return value
}
