/** What the request-authentication tests share: an STS issuing credentials on a controlled clock, and a signer. */
import { createHash } from 'node:crypto'
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import { expect } from 'vitest'
import { type Sts, createSts } from '../../src/index.js'

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0)

export const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
}

/** One role, `app`, whose callback makes the token the user name and gives a `team` claim. */
export function appSts(now: () => number): Sts {
  return createSts({
    signingKey: 'k'.repeat(48),
    roles: [
      {
        id: 'app',
        policy: { buckets: ['photos'] },
        identify: ({ token }) => ({ user: token, maxValiditySeconds: 3600, claims: { team: `team-${token}` } }),
      },
    ],
    now,
  })
}

export async function issue(sts: Sts, user: string): Promise<Credentials> {
  const answer = await sts.handle({
    method: 'POST',
    url: `/?Action=AssumeRoleWithCustomToken&Version=2011-06-15&Token=${user}&RoleArn=${encodeURIComponent(sts.roleArns[0]!)}`,
    headers: {},
  })
  expect(answer.status).toBe(200)
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(answer.body)![1]!
  return { accessKeyId: field('AccessKeyId'), secretAccessKey: field('SecretAccessKey'), sessionToken: field('SessionToken') }
}

/** The AWS SDK's own signer, as @aws-sdk/client-s3 configures it. */
export const signer = (credentials: Credentials, region = 'us-east-1') =>
  new SignatureV4({ credentials, region, service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false })
