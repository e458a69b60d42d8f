// @ts-check
/**
 * What every part of the bench issues: one role, an identity callback that answers at once, and the query-style
 * request a client sends. The floor (floor.js) signs the same claims, so the two do the same cryptographic work.
 */
import { createSts } from '@custom-token-sts/core'

export const SIGNING_KEY = 'bench-signing-key-0123456789abcdef0123456789'
export const ROLE_ID = 'bench'
export const USER = 'alice@example.com'
export const VALIDITY_SECONDS = 3600
export const CLAIMS = { groups: ['readers', 'writers'], tenant: 'acme' }
export const TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl'

/** @param {Partial<import('@custom-token-sts/core').StsOptions>} [options] */
export function benchSts(options = {}) {
  return createSts({
    signingKey: SIGNING_KEY,
    roles: [{ id: ROLE_ID, identify: () => ({ user: USER, maxValiditySeconds: VALIDITY_SECONDS, claims: CLAIMS }) }],
    ...options,
  })
}

/** The request target of a query-style AssumeRoleWithCustomToken (POST, empty body). */
export function issuePath(/** @type {string} */ roleArn) {
  const query = new URLSearchParams({ Action: 'AssumeRoleWithCustomToken', Version: '2011-06-15', RoleArn: roleArn, Token: TOKEN })
  return `/?${query}`
}

/** @param {import('@custom-token-sts/core').Sts} sts */
export function issueRequest(sts) {
  return {
    method: 'POST',
    url: issuePath(/** @type {string} */ (sts.roleArns[0])),
    headers: { host: '127.0.0.1', 'user-agent': 'bench' },
    remoteAddress: '127.0.0.1',
  }
}

/** Issues once and fails loudly unless it worked: a bench of error answers would measure nothing. */
export async function issueOnce(/** @type {import('@custom-token-sts/core').Sts} */ sts) {
  const answer = await sts.handle(issueRequest(sts))
  if (answer.status !== 200) throw new Error(`issuance answered ${answer.status}: ${answer.body}`)
  const field = (/** @type {string} */ name) => {
    const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(answer.body)
    if (!match?.[1]) throw new Error(`no ${name} in the answer`)
    return match[1]
  }
  return {
    body: answer.body,
    accessKeyId: field('AccessKeyId'),
    secretAccessKey: field('SecretAccessKey'),
    sessionToken: field('SessionToken'),
  }
}

/** A fixed XML answer of exactly `size` bytes: the hello world the HTTP rows compare against. */
export function helloXml(/** @type {number} */ size) {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n<Hello>'
  const tail = '</Hello>'
  return head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail
}
