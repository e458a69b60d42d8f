// @ts-check
import { randomBytes } from 'node:crypto'
import { IdentityDenied, createSts } from '@custom-token-sts/core'

/** The role id of MinIO's sample request, so the seed's curl command works verbatim. */
export const DEMO_ROLE_ID = 'vGxBdLkOc8mQPU1-UQbBh-yWWVQ'

const DEFAULT_TOKENS = { aaa: { user: 'Alice', maxValiditySeconds: 3600, claims: { groups: ['data-science'] } } }

/**
 * An STS for the example servers. Tokens come from DEMO_TOKENS, a JSON map from token to
 * `{ user, maxValiditySeconds, claims }`; a real service would check its own sessions or tokens here instead.
 * The signing key comes from STS_SIGNING_KEY; without it a random key is used and credentials die with the process.
 * `overrides` go to createSts as they are (e.g. `now` for a controlled clock, `s3` for authenticate's options).
 */
export function demoSts(env = process.env, /** @type {Partial<import('@custom-token-sts/core').StsOptions>} */ overrides = {}) {
  const tokens = env.DEMO_TOKENS ? JSON.parse(env.DEMO_TOKENS) : DEFAULT_TOKENS
  let signingKey = env.STS_SIGNING_KEY
  if (!signingKey) {
    signingKey = randomBytes(32).toString('base64url')
    console.warn('warning: STS_SIGNING_KEY is not set; using an ephemeral random key')
  }
  return createSts({
    signingKey,
    region: env.STS_REGION ?? '',
    roles: [
      {
        id: DEMO_ROLE_ID,
        description: 'Demo role: tokens from DEMO_TOKENS',
        identify: ({ token }) => {
          const identity = Object.hasOwn(tokens, token) ? tokens[token] : undefined
          if (!identity) throw new IdentityDenied('Unknown demo token')
          return identity
        },
      },
    ],
    onEvent: (event) => console.log(JSON.stringify(event)),
    // What the client is never told (an identity callback that threw, a failing store) belongs in your logs.
    onError: (error, { requestId }) => console.error(`request ${requestId}: ${error instanceof Error ? error.message : String(error)}`),
    ...overrides,
  })
}

export const demoPort = (env = process.env) => Number(env.PORT ?? 9001)

/** The start-up banner: the role ARN and a request to paste. */
export function printBanner(/** @type {{ roleArns: readonly string[] }} */ sts, /** @type {number} */ port, framework = '') {
  const [roleArn] = sts.roleArns
  console.log(`STS endpoint (${framework}) listening on http://localhost:${port}/`)
  console.log(`RoleArn: ${roleArn}`)
  console.log(`Try: curl -XPOST 'http://localhost:${port}/?Action=AssumeRoleWithCustomToken&Version=2011-06-15&Token=aaa&RoleArn=${roleArn}'`)
}
