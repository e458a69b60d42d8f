/** The custom token, or a function that returns a fresh one (tokens expire too); called once per STS request. */
export type TokenSource = string | ((context: { signal: AbortSignal }) => string | Promise<string>)

/** A fetch implementation: the global one by default. */
export type FetchLike = (input: string | URL, init: RequestInit) => Promise<Response>

export interface AssumeRoleOptions {
  /** The STS endpoint, e.g. `https://minio.example.com:9000` or `http://127.0.0.1:8080/sts`. */
  endpoint: string | URL
  token: TokenSource
  /** The role to assume, e.g. `arn:minio:iam:::role/idmp-…`. */
  roleArn: string
  /** Validity to ask for, in seconds (the server may grant less; 900 at least). */
  durationSeconds?: number
  /**
   * Where the parameters travel. `query` (default): in the URL of an empty POST, as minio-go sends them. `form`: in
   * an `application/x-www-form-urlencoded` body, as the AWS SDKs send STS calls, which keeps the token out of URLs
   * that proxies log.
   */
  style?: 'query' | 'form'
  /** Deadline of each attempt in ms. Default 10000. */
  timeoutMs?: number
  /** Aborts the whole call, retries and waits included. */
  signal?: AbortSignal
  /** Further attempts after a retryable failure (network, timeout, 5xx, IDPCommunicationError). Default 2. */
  retries?: number
  /** First backoff delay in ms, doubled per attempt, with full jitter. Default 200. */
  retryBaseDelayMs?: number
  /** Longest backoff delay in ms. Default 5000. */
  retryMaxDelayMs?: number
  fetch?: FetchLike
  /** The clock in ms since the epoch, used to refuse already-expired credentials. For tests. */
  now?: () => number
}

export const DEFAULTS = {
  style: 'query',
  timeoutMs: 10_000,
  retries: 2,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 5_000,
} as const
