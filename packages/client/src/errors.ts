/**
 * Errors the client throws. Each has a stable `code` so callers branch on it, never on message text, and a
 * `retryable` flag saying whether asking again may succeed. No message ever carries the custom token.
 */

export type StsClientErrorCode =
  | 'ERR_STS_SERVICE'
  | 'ERR_STS_INVALID_RESPONSE'
  | 'ERR_STS_NETWORK'
  | 'ERR_STS_TIMEOUT'
  | 'ERR_STS_CLIENT_CONFIGURATION'

export abstract class StsClientError extends Error {
  abstract readonly code: StsClientErrorCode
  /** Whether the same request may succeed if sent again (the client's own retries use this). */
  abstract readonly retryable: boolean
}

/**
 * The STS endpoint answered with an error document (`<ErrorResponse><Error><Code>…`): a denial, a bad parameter, an
 * identity provider failure… `stsCode` is the STS Code (`AccessDenied`, `InvalidParameterValue`, …).
 */
export class StsServiceError extends StsClientError {
  readonly code = 'ERR_STS_SERVICE'
  override name = 'StsServiceError'
  constructor(
    /** The HTTP status of the answer. */
    readonly status: number,
    /** The STS `Code`, e.g. `AccessDenied`. */
    readonly stsCode: string,
    /** The STS `Message`, with the token removed should the server have echoed it. */
    readonly stsMessage: string,
    /** The `RequestId` of the answer (or its `x-amz-request-id` header), for the server's logs. */
    readonly requestId: string | undefined,
  ) {
    super(`${stsCode}: ${stsMessage || 'no message'} (HTTP ${status}${requestId ? `, RequestId ${requestId}` : ''})`)
  }

  /** Server-side failures and identity provider outages may pass; denials and bad parameters will not. */
  get retryable(): boolean {
    return this.status >= 500 || this.stsCode === 'IDPCommunicationError'
  }
}

/** The answer is not a usable AssumeRoleWithCustomToken response: wrong root, no Credentials, a field missing… */
export class StsInvalidResponseError extends StsClientError {
  readonly code = 'ERR_STS_INVALID_RESPONSE'
  override name = 'StsInvalidResponseError'
  constructor(
    message: string,
    readonly status: number,
    readonly requestId: string | undefined,
  ) {
    super(message)
  }

  /** A proxy's 502/503 page is not an STS answer but is still worth retrying; a malformed 200 is not. */
  get retryable(): boolean {
    return this.status >= 500
  }
}

/** No answer: connection refused or reset, DNS failure, TLS failure. */
export class StsNetworkError extends StsClientError {
  readonly code = 'ERR_STS_NETWORK'
  override name = 'StsNetworkError'
  readonly retryable = true
  constructor(
    message: string,
    /** The system error code when there is one (`ECONNREFUSED`, `ENOTFOUND`, …). */
    readonly systemCode?: string,
  ) {
    super(message)
  }
}

/** One attempt took longer than `timeoutMs`. */
export class StsTimeoutError extends StsClientError {
  readonly code = 'ERR_STS_TIMEOUT'
  override name = 'StsTimeoutError'
  readonly retryable = true
  constructor(readonly timeoutMs: number) {
    super(`The STS endpoint did not answer within ${timeoutMs} ms`)
  }
}

/** The options cannot work (no endpoint, a token function that returned no token…). */
export class StsClientConfigurationError extends StsClientError {
  readonly code = 'ERR_STS_CLIENT_CONFIGURATION'
  override name = 'StsClientConfigurationError'
  readonly retryable = false
}
