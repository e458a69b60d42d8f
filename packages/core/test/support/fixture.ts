import { type Sts, type StsOptions, createSts, IdentityDenied } from '../../src/index.js'

/** The role of MinIO's sample request, so the seed's curl command works against the fixture. */
export const SEED_ROLE_ID = 'vGxBdLkOc8mQPU1-UQbBh-yWWVQ'
export const SEED_ROLE_ARN = `arn:minio:iam:::role/idmp-${SEED_ROLE_ID}`

/** A token the callback fails on; it must never reach a client, a log line or an event. */
export const SECRET_TOKEN = 'sekret-TOKEN-4f9a7c'

/**
 * An STS with one identity callback that covers each outcome of the contract's table, chosen by token:
 * `aaa` (Alice), `whoami` (the client address as user), `a+b c` (user `Plus Space`, to check decoding), `deny`, `throw`/SECRET_TOKEN (callback fails), `invalid` (bad identity), `slow` (times out).
 */
export function fixtureSts(overrides: Partial<StsOptions> = {}): Sts {
  return createSts({
    signingKey: 'fixture-signing-key-of-at-least-32-bytes',
    identityTimeoutMs: 300,
    roles: [
      {
        id: SEED_ROLE_ID,
        description: 'demo',
        policy: { buckets: ['data-science'] },
        identify: async ({ token, signal, client }) => {
          if (token === 'whoami') return { user: client.address ?? 'unknown', maxValiditySeconds: 900 }
          if (token === 'aaa') return { user: 'Alice', maxValiditySeconds: 3600, claims: { groups: ['data-science'] } }
          if (token === 'a+b c') return { user: 'Plus Space', maxValiditySeconds: 3600 }
          if (token === 'deny') throw new IdentityDenied('Token revoked <by admin> & "gone"')
          if (token === 'invalid') return { user: '', maxValiditySeconds: 3600, claims: {} }
          if (token === 'slow') {
            await new Promise((resolve) => signal.addEventListener('abort', resolve))
            return { user: 'Late', maxValiditySeconds: 3600 }
          }
          throw new Error(`identity backend rejected ${token}`)
        },
      },
    ],
    ...overrides,
  })
}

export const query = (params: Record<string, string>) => `?${new URLSearchParams(params)}`

export const seedParams = (extra: Record<string, string> = {}) => ({
  Action: 'AssumeRoleWithCustomToken',
  Version: '2011-06-15',
  Token: 'aaa',
  RoleArn: SEED_ROLE_ARN,
  ...extra,
})
