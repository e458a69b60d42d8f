import { StsClientConfigurationError, StsInvalidResponseError, StsNetworkError, StsTimeoutError } from './errors.js'
import type { FetchLike } from './options.js'
import type { RawAnswer } from './parse-response.js'
import { redact } from './redact.js'

export const ACTION = 'AssumeRoleWithCustomToken'
export const VERSION = '2011-06-15'

export interface WireRequest {
  endpoint: URL
  token: string
  roleArn: string
  durationSeconds: number | undefined
  style: 'query' | 'form'
}

/** The URL and fetch options of one call, parameters placed as `style` says. */
export function buildRequest(wire: WireRequest): { url: URL; init: RequestInit } {
  const params = new URLSearchParams({ Action: ACTION, Version: VERSION, Token: wire.token, RoleArn: wire.roleArn })
  if (wire.durationSeconds !== undefined) params.set('DurationSeconds', String(wire.durationSeconds))
  const url = new URL(wire.endpoint)
  const headers: Record<string, string> = { accept: 'application/xml' }
  if (wire.style === 'form') {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    return { url, init: { method: 'POST', headers, body: params.toString() } }
  }
  // minio-go: POST, every parameter in the query (after any the endpoint already has), empty body.
  for (const [name, value] of params) url.searchParams.append(name, value)
  return { url, init: { method: 'POST', headers } }
}

/**
 * One HTTP exchange with a deadline. Network failures become `StsNetworkError`, the deadline `StsTimeoutError`; an
 * abort by the caller rethrows the caller's reason. Errors quote nothing that may hold the token.
 */
export async function send(
  fetchImpl: FetchLike,
  wire: WireRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<RawAnswer> {
  const { url, init } = buildRequest(wire)
  const controller = new AbortController()
  const timeout = new StsTimeoutError(timeoutMs)
  const timer = setTimeout(() => controller.abort(timeout), timeoutMs)
  const onAbort = () => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    signal?.throwIfAborted()
    const response = await fetchImpl(url, { ...init, signal: controller.signal, redirect: 'error' })
    const requestIdHeader = response.headers.get('x-amz-request-id') ?? undefined
    // The body is read under the same deadline: a server that stalls mid-answer is a timeout too.
    const body = await readCapped(response, ANSWER_LIMIT)
    if (body === undefined) {
      throw new StsInvalidResponseError(
        `Invalid STS answer (HTTP ${response.status}): the body is larger than ${ANSWER_LIMIT} bytes`,
        response.status,
        requestIdHeader,
      )
    }
    return { status: response.status, body, requestIdHeader }
  } catch (error) {
    if (error instanceof StsInvalidResponseError) throw error
    if (signal?.aborted) throw signal.reason
    if (controller.signal.aborted) throw timeout
    throw networkError(error, wire.token)
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

/** An STS answer is a few KiB; a larger one is not read into memory (or parsed) whole. */
export const ANSWER_LIMIT = 1024 * 1024

/** The body as text, or undefined (and the rest left unread) once it passes `limit` bytes. */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel().catch(() => {})
    return undefined
  }
  if (!response.body) return ''
  // Decoded as response.text() decodes: UTF-8, a leading byte order mark dropped.
  const decoder = new TextDecoder()
  let text = ''
  let size = 0
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return text + decoder.decode()
    size += value.length
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return undefined
    }
    text += decoder.decode(value, { stream: true })
  }
}

function networkError(error: unknown, token: string): StsNetworkError {
  // undici reports "fetch failed" and puts the system error (ECONNREFUSED…) in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  const systemCode =
    typeof (cause as { code?: unknown })?.code === 'string' ? (cause as { code: string }).code : undefined
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new StsNetworkError(`Could not reach the STS endpoint: ${redact(detail, token)}`, systemCode)
}

export function endpointUrl(endpoint: string | URL): URL {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new StsClientConfigurationError('endpoint must be an absolute http(s) URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StsClientConfigurationError('endpoint must be an absolute http(s) URL')
  }
  return url
}
