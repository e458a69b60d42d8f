/**
 * Errors the host sees. Each has a stable `code` so callers branch on it, never on message text.
 */

/** Thrown by `createSts` (and other factories) when the configuration cannot work. */
export class ConfigurationError extends Error {
  readonly code = 'ERR_STS_CONFIGURATION'
  override name = 'ConfigurationError'
}

/**
 * Thrown by an identity callback to refuse a token. The client gets 403 `AccessDenied` with `reason` as the
 * message, so the reason must not contain the token or anything secret.
 */
export class IdentityDenied extends Error {
  readonly code = 'ERR_IDENTITY_DENIED'
  override name = 'IdentityDenied'
  constructor(readonly reason: string = 'Access denied') {
    super(reason)
  }
}

export type CredentialsErrorCode =
  | 'ERR_CREDENTIALS_UNKNOWN'
  | 'ERR_CREDENTIALS_EXPIRED'
  | 'ERR_CREDENTIALS_TOKEN_MISMATCH'
  | 'ERR_CREDENTIALS_BAD_SIGNATURE'
  | 'ERR_CREDENTIALS_REVOKED'
  | 'ERR_CREDENTIALS_ROLE_GONE'

/** Why `sts.verify()` refused a pair of access key and session token. */
export class CredentialsError extends Error {
  override name = 'CredentialsError'
  constructor(
    readonly code: CredentialsErrorCode,
    message: string,
  ) {
    super(message)
  }
}
