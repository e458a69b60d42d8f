import { checkOptions, assumeRoleWithCustomToken } from './assume-role.js'
import { StsClientConfigurationError } from './errors.js'
import type { AssumeRoleOptions } from './options.js'
import type { TemporaryCredentials } from './parse-response.js'

export interface CustomTokenProviderOptions extends AssumeRoleOptions {
  /**
   * How long before expiry the credentials are renewed, in ms. Default 300000 (5 minutes, the margin the AWS SDK
   * itself applies). Capped at half of the credentials' lifetime so short-lived credentials are not renewed on every
   * call; renewal never waits past expiry.
   */
  refreshBeforeMs?: number
}

/**
 * The shape of the AWS SDK v3 `AwsCredentialIdentityProvider`, written out so that this package needs no AWS
 * package at run time. `forceRefresh: true` skips the cache.
 */
export type CustomTokenCredentialProvider = (identityProperties?: {
  forceRefresh?: boolean
  [key: string]: unknown
}) => Promise<TemporaryCredentials>

const DEFAULT_REFRESH_BEFORE_MS = 300_000

/**
 * A credential provider for the AWS SDK v3 (`new S3Client({ credentials: fromCustomToken({...}) })`) that asks the
 * STS endpoint for credentials, keeps them, and renews them before they expire. However many callers ask at once,
 * one STS request is in flight; they all get its result.
 */
export function fromCustomToken(options: CustomTokenProviderOptions): CustomTokenCredentialProvider {
  checkOptions(options) // fail at construction, not at the first S3 call
  const refreshBeforeMs = options.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS
  if (!Number.isInteger(refreshBeforeMs) || refreshBeforeMs < 0) {
    throw new StsClientConfigurationError('refreshBeforeMs must be a non-negative integer')
  }
  const now = options.now ?? Date.now
  let cached: { credentials: TemporaryCredentials; refreshAt: number } | undefined
  let inFlight: Promise<TemporaryCredentials> | undefined

  const fetchNew = (): Promise<TemporaryCredentials> => {
    inFlight ??= (async () => {
      try {
        const issuedAt = now()
        const { credentials } = await assumeRoleWithCustomToken(options)
        const expiresAt = credentials.expiration.getTime()
        const margin = Math.min(refreshBeforeMs, Math.max(0, (expiresAt - issuedAt) / 2))
        cached = { credentials, refreshAt: expiresAt - margin }
        return { ...credentials }
      } finally {
        inFlight = undefined
      }
    })()
    return inFlight
  }

  return async (identityProperties) => {
    const current = cached
    if (current && !identityProperties?.forceRefresh && now() < current.refreshAt) return { ...current.credentials }
    try {
      return await fetchNew()
    } catch (error) {
      // A failed renewal while the old credentials still hold (an STS outage during the refresh window) should not
      // fail the caller's S3 request: hand out the old ones and try again on the next call.
      if (current && !identityProperties?.forceRefresh && now() < current.credentials.expiration.getTime()) {
        return { ...current.credentials }
      }
      throw error
    }
  }
}
