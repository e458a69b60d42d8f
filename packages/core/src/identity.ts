import { IdentityDenied } from './errors.js'
import { StsError } from './sts-error.js'

/** A configured role, as the identity callback and `verify` see it. */
export interface Role {
  readonly arn: string
  readonly id: string
  readonly description?: string
  /** Whatever the host attached to the role (a policy document, say); handed back by `verify`. */
  readonly policy?: unknown
}

export interface IdentityRequest {
  /** The custom token, exactly as the client sent it. Never log it. */
  readonly token: string
  readonly role: Role
  /** The `DurationSeconds` the client asked for, if any. */
  readonly durationSeconds?: number
  readonly client: {
    /** As the host framework reports it (its own `trust proxy` rules apply); undefined when unknown. */
    readonly address?: string
    /** Lower-case names. */
    readonly headers: Readonly<Record<string, string>>
  }
  /** Fires when the identity timeout elapses; pass it to fetch() and the like. */
  readonly signal: AbortSignal
}

export interface Identity {
  /** Becomes `custom:<user>`: AssumedUser, and the token's `sub` and `parent`. */
  user: string
  /** Longest validity the identity allows, in seconds: an integer in [900, 31536000]. */
  maxValiditySeconds: number
  /** Extra claims carried in the session token; the server's own claims win over these. */
  claims?: Record<string, unknown>
}

/** Returns the identity behind a token, throws `IdentityDenied` to refuse it; anything else thrown is a failure. */
export type IdentityCallback = (request: IdentityRequest) => Identity | Promise<Identity>

export const MIN_VALIDITY_SECONDS = 900
export const MAX_VALIDITY_SECONDS = 31536000

export const identityFailure = () =>
  new StsError(400, 'IDPCommunicationError', 'The identity provider could not be reached or failed to answer')

const invalidIdentity = () => new StsError(500, 'InternalError', 'The identity provider returned an invalid identity')

/** Why a callback's answer failed: for the error hook, never for the client. */
export class InvalidIdentityError extends Error {
  override name = 'InvalidIdentityError'
}

export class IdentityTimeoutError extends Error {
  override name = 'IdentityTimeoutError'
}

export type IdentityOutcome =
  | { kind: 'identity'; identity: Required<Identity> }
  | { kind: 'denied'; reason: string }
  | { kind: 'error'; error: StsError; cause: unknown }

/** Calls the callback with a deadline and sorts what happened into an outcome. Never throws. */
export async function resolveIdentity(
  callback: IdentityCallback,
  request: Omit<IdentityRequest, 'signal'>,
  timeoutMs: number,
): Promise<IdentityOutcome> {
  // The AbortController is made only when the callback reads `signal`: making one costs about as much as signing
  // the session token, and a callback that answers from memory never looks at it.
  let controller: AbortController | undefined
  let timedOut: IdentityTimeoutError | undefined
  const signal = () => {
    if (!controller) {
      controller = new AbortController()
      if (timedOut) controller.abort(timedOut)
    }
    return controller.signal
  }
  let timer: NodeJS.Timeout | undefined
  let answer: unknown
  try {
    const pending = callback({
      ...request,
      get signal() {
        return signal()
      },
    })
    // A synchronous answer cannot be late: only a pending one races the deadline.
    answer = isThenable(pending)
      ? await Promise.race([
          pending,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              timedOut = new IdentityTimeoutError(`The identity callback did not answer within ${timeoutMs} ms`)
              controller?.abort(timedOut)
              reject(timedOut)
            }, timeoutMs)
          }),
        ])
      : pending
  } catch (cause) {
    if (cause instanceof IdentityDenied) return { kind: 'denied', reason: cause.reason || 'Access denied' }
    return { kind: 'error', error: identityFailure(), cause }
  } finally {
    clearTimeout(timer)
  }
  const problem = identityProblem(answer)
  if (problem) return { kind: 'error', error: invalidIdentity(), cause: new InvalidIdentityError(problem) }
  const identity = answer as Identity
  return {
    kind: 'identity',
    identity: { user: identity.user, maxValiditySeconds: identity.maxValiditySeconds, claims: identity.claims ?? {} },
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'

function identityProblem(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) return 'the identity is not an object'
  const { user, maxValiditySeconds, claims } = answer as Record<string, unknown>
  if (typeof user !== 'string' || user === '') return '`user` must be a non-empty string'
  if (
    typeof maxValiditySeconds !== 'number' ||
    !Number.isInteger(maxValiditySeconds) ||
    maxValiditySeconds < MIN_VALIDITY_SECONDS ||
    maxValiditySeconds > MAX_VALIDITY_SECONDS
  ) {
    return `\`maxValiditySeconds\` must be an integer in [${MIN_VALIDITY_SECONDS}, ${MAX_VALIDITY_SECONDS}]`
  }
  if (claims !== undefined && !isPlainObject(claims)) return '`claims` must be a plain object'
  if (claims !== undefined && !isJsonValue(claims, 0, new Set())) return '`claims` must hold only JSON values'
  return undefined
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const MAX_DEPTH = 32

function isJsonValue(value: unknown, depth: number, seen: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (depth >= MAX_DEPTH || typeof value !== 'object' || seen.has(value)) return false
  if (!Array.isArray(value) && !isPlainObject(value)) return false
  seen.add(value)
  const ok = Object.values(value).every((v) => isJsonValue(v, depth + 1, seen))
  seen.delete(value)
  return ok
}
