import { createHash, createHmac } from 'node:crypto'
import { canonicalComponent } from './uri-encode.js'

/**
 * The canonical request and string to sign of AWS Signature Version 4 as S3 computes them, rebuilt from the request
 * as it arrived. Hand-written rather than delegated to @smithy/signature-v4: smithy signs a request it builds (its
 * path is used verbatim for S3, its query is sorted by unencoded key, it picks the headers to sign), whereas a
 * verifier must re-derive the canonical form from whatever bytes a client sent. The tests check this code against
 * smithy's signatures.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256'
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

export type HeaderValues = Record<string, string | string[] | undefined>

/**
 * The canonical URI for S3: each segment of the path as sent, decoded and encoded exactly once (S3 does not
 * double-encode, and does not normalise `.`, `..` or `//`). Splitting before decoding keeps a client's `%2F` a `%2F`.
 */
export function canonicalUri(path: string): string {
  if (path === '') return '/'
  return path
    .split('/')
    .map((segment) => canonicalComponent(segment, false))
    .join('/')
}

/**
 * The canonical query string: every parameter decoded (`+` as a space, as S3 reads queries) and re-encoded, sorted
 * by encoded name then encoded value, repeated names kept. `exclude` drops a parameter (X-Amz-Signature when
 * presigned). Encoded strings are ASCII, so JavaScript's string order is byte order.
 */
export function canonicalQuery(query: string, exclude?: string): string {
  if (query === '') return ''
  const pairs: [string, string][] = []
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = canonicalComponent(eq === -1 ? part : part.slice(0, eq), true)
    const value = eq === -1 ? '' : canonicalComponent(part.slice(eq + 1), true)
    if (exclude !== undefined && name === exclude) continue
    pairs.push([name, value])
  }
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
  return pairs.map(([name, value]) => `${name}=${value}`).join('&')
}

/** Trims a header value and collapses inner runs of whitespace into one space; several values join with commas. */
export function canonicalHeaderValue(value: string | string[] | undefined): string {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value]
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')
}

/**
 * The value of a header the client signed. `host` falls back to HTTP/2's `:authority`; Node gives the Host header
 * as the client sent it, with or without a port, which is what the client signed.
 */
export function signedHeaderValue(headers: HeaderValues, name: string): string | string[] | undefined {
  const value = headers[name]
  if (value === undefined && name === 'host') return headers[':authority']
  return value
}

export interface CanonicalRequestParts {
  method: string
  /** The path as sent, without the query. */
  path: string
  /** The query as sent, without the `?`. */
  query: string
  headers: HeaderValues
  /** Lower-case, sorted. */
  signedHeaders: readonly string[]
  payloadHash: string
  /** Drop this query parameter (X-Amz-Signature, when presigned). */
  excludeQuery?: string
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  const headerLines = parts.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(signedHeaderValue(parts.headers, name))}\n`)
  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.path),
    canonicalQuery(parts.query, parts.excludeQuery),
    headerLines.join(''),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n')
}

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

export interface Scope {
  /** yyyyMMdd */
  date: string
  region: string
  service: string
}

export const scopeString = (scope: Scope) => `${scope.date}/${scope.region}/${scope.service}/aws4_request`

export function stringToSign(amzDate: string, scope: Scope, canonical: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scopeString(scope)}\n${sha256Hex(canonical)}`
}

export function signingKey(secretAccessKey: string, scope: Scope): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(scope.date).digest()
  const kRegion = createHmac('sha256', kDate).update(scope.region).digest()
  const kService = createHmac('sha256', kRegion).update(scope.service).digest()
  return createHmac('sha256', kService).update('aws4_request').digest()
}

export const hmacHex = (key: Uint8Array, data: string) => createHmac('sha256', key).update(data).digest('hex')
