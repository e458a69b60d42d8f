import { StsClientError } from './errors.js'

export interface RetryPolicy {
  retries: number
  baseDelayMs: number
  maxDelayMs: number
  signal: AbortSignal | undefined
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are spent. Only errors that say they are
 * retryable are retried: a denial stays a denial, and re-sending it would only hammer the identity provider.
 * Backoff is exponential with full jitter, so many clients failing together do not come back together.
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      const retryable = error instanceof StsClientError && error.retryable
      if (!retryable || n >= policy.retries) throw error
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n)
      await sleep(Math.random() * ceiling, policy.signal)
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
