import { StsClientConfigurationError } from './errors.js'
import { type AssumeRoleOptions, DEFAULTS, type TokenSource } from './options.js'
import { type AssumeRoleResult, parseAnswer } from './parse-response.js'
import { endpointUrl, send } from './request.js'
import { withRetries } from './retry.js'

/**
 * One AssumeRoleWithCustomToken call (with its retries): the temporary credentials, AssumedUser and RequestId.
 * No caching: use `fromCustomToken` for a provider that keeps and refreshes credentials.
 */
export async function assumeRoleWithCustomToken(options: AssumeRoleOptions): Promise<AssumeRoleResult> {
  const settings = checkOptions(options)
  const { signal } = options
  return withRetries(
    async () => {
      // A token function is asked on every attempt: the token it gave a minute ago may have expired since.
      const token = await resolveToken(options.token, signal)
      const answer = await send(settings.fetch, { ...settings.wire, token }, settings.timeoutMs, signal)
      return parseAnswer(answer, token, settings.now())
    },
    { retries: settings.retries, baseDelayMs: settings.retryBaseDelayMs, maxDelayMs: settings.retryMaxDelayMs, signal },
  )
}

/** Validates options once, up front, so a misconfiguration fails before any request with a clear message. */
export function checkOptions(options: AssumeRoleOptions) {
  if (typeof options !== 'object' || options === null) throw new StsClientConfigurationError('options are required')
  const endpoint = endpointUrl(options.endpoint)
  if (typeof options.roleArn !== 'string' || options.roleArn === '') {
    throw new StsClientConfigurationError('roleArn must be a non-empty string')
  }
  if (typeof options.token !== 'function' && (typeof options.token !== 'string' || options.token === '')) {
    throw new StsClientConfigurationError('token must be a non-empty string or a function returning one')
  }
  const { durationSeconds } = options
  if (durationSeconds !== undefined && (!Number.isInteger(durationSeconds) || durationSeconds <= 0)) {
    throw new StsClientConfigurationError('durationSeconds must be a positive integer')
  }
  const style = options.style ?? DEFAULTS.style
  if (style !== 'query' && style !== 'form') throw new StsClientConfigurationError("style must be 'query' or 'form'")
  const timeoutMs = nonNegativeInteger('timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs, 1)
  const retries = nonNegativeInteger('retries', options.retries, DEFAULTS.retries, 0)
  const retryBaseDelayMs = nonNegativeInteger('retryBaseDelayMs', options.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs, 0)
  const retryMaxDelayMs = nonNegativeInteger('retryMaxDelayMs', options.retryMaxDelayMs, DEFAULTS.retryMaxDelayMs, 0)
  const fetchImpl = options.fetch ?? globalThis.fetch
  if (typeof fetchImpl !== 'function') throw new StsClientConfigurationError('no fetch implementation is available')
  return {
    wire: { endpoint, roleArn: options.roleArn, durationSeconds, style },
    timeoutMs,
    retries,
    retryBaseDelayMs,
    retryMaxDelayMs,
    fetch: fetchImpl,
    now: options.now ?? Date.now,
  }
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min) throw new StsClientConfigurationError(`${name} must be an integer >= ${min}`)
  return value
}

async function resolveToken(source: TokenSource, signal: AbortSignal | undefined): Promise<string> {
  if (typeof source === 'string') return source
  const token = await source({ signal: signal ?? new AbortController().signal })
  if (typeof token !== 'string' || token === '') {
    throw new StsClientConfigurationError('the token function returned no token (a non-empty string is required)')
  }
  return token
}
