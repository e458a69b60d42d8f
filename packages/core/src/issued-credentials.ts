import { timingSafeEqual } from 'node:crypto'
import type { CredentialStore, StoredCredentials } from './credential-store.js'
import { CredentialsError } from './errors.js'
import type { Role } from './identity.js'
import { verifySessionToken } from './session-token.js'

/**
 * Finds the credentials this server issued for an access key and checks the session token presented with them: the
 * one lookup behind both `sts.verify()` and request authentication, so both refuse exactly the same things.
 */

export interface IssuedCredentialsContext {
  store: CredentialStore
  sessionTokenKey: Uint8Array
  roleByArn(arn: string): Role | undefined
  /** When all credentials of a user issued at or before this time (ms) were revoked; undefined when never. */
  userRevokedBefore(user: string): Promise<number | undefined>
  now(): number
}

export interface IssuedCredentials {
  stored: StoredCredentials
  /** Every claim of the verified session token. */
  claims: Record<string, unknown>
  role: Role
}

export type ResolveIssued = (accessKeyId: string, sessionToken: string) => Promise<IssuedCredentials>

export function createIssuedCredentialsResolver(context: IssuedCredentialsContext): ResolveIssued {
  // A stored token's signature only needs checking once: every later use is compared with it in constant time first.
  // Keyed by the stored entry, so a store that hands out fresh objects (Redis, say) simply verifies every time.
  const verified = new WeakMap<StoredCredentials, { token: string; claims: Record<string, unknown> }>()
  const verifiedClaims = async (stored: StoredCredentials, nowSeconds: number) => {
    const cached = verified.get(stored)
    if (cached && cached.token === stored.sessionToken) {
      if (typeof cached.claims.exp === 'number' && cached.claims.exp <= nowSeconds) {
        throw new CredentialsError('ERR_CREDENTIALS_EXPIRED', 'The credentials have expired')
      }
      return cached.claims
    }
    // Frozen: every caller shares them, and none may change what a later request sees.
    const claims = deepFreeze(await verifySessionToken(stored.sessionToken, context.sessionTokenKey, nowSeconds))
    verified.set(stored, { token: stored.sessionToken, claims })
    return claims
  }

  return async function resolveIssued(accessKeyId, sessionToken) {
    const now = context.now()
    const stored = await context.store.get(accessKeyId)
    if (!stored) throw new CredentialsError('ERR_CREDENTIALS_UNKNOWN', 'No credentials with this access key were issued')
    if (!sameString(stored.sessionToken, sessionToken)) {
      throw new CredentialsError('ERR_CREDENTIALS_TOKEN_MISMATCH', 'The session token does not belong to this access key')
    }
    if (stored.expiresAt <= now) throw new CredentialsError('ERR_CREDENTIALS_EXPIRED', 'The credentials have expired')
    let claims: Record<string, unknown>
    try {
      claims = await verifiedClaims(stored, Math.floor(now / 1000))
    } catch (error) {
      if (error instanceof CredentialsError) throw error
      if ((error as { code?: unknown }).code === 'ERR_JWT_EXPIRED') {
        throw new CredentialsError('ERR_CREDENTIALS_EXPIRED', 'The credentials have expired')
      }
      throw new CredentialsError('ERR_CREDENTIALS_BAD_SIGNATURE', 'The session token is not validly signed')
    }
    if (claims.accessKey !== accessKeyId) {
      throw new CredentialsError('ERR_CREDENTIALS_TOKEN_MISMATCH', 'The session token does not belong to this access key')
    }
    const revokedBefore = await context.userRevokedBefore(stored.user)
    // Entries without an issue time (written before it existed) count as issued at the epoch: revoked.
    if (revokedBefore !== undefined && (stored.issuedAt ?? 0) <= revokedBefore) {
      throw new CredentialsError('ERR_CREDENTIALS_REVOKED', 'The credentials were revoked')
    }
    const role = context.roleByArn(String(claims.roleArn))
    if (!role) throw new CredentialsError('ERR_CREDENTIALS_ROLE_GONE', 'The role of these credentials is not configured')
    return { stored, claims, role }
  }
}

/**
 * Whether `token` is a session token this server signed for `accessKeyId` that has passed its `exp`: the store
 * forgets expired credentials, and this tells "expired" apart from "never issued".
 */
export async function isOwnExpiredToken(key: Uint8Array, token: string, accessKeyId: string, now: number): Promise<boolean> {
  let claims: Record<string, unknown>
  try {
    // Verified at the epoch: checks the signature and algorithm while `exp` cannot fail; expiry is compared below.
    claims = await verifySessionToken(token, key, 0)
  } catch {
    return false
  }
  return claims.accessKey === accessKeyId && typeof claims.exp === 'number' && claims.exp * 1000 <= now
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

export function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
