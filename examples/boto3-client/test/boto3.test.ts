/**
 * botocore/boto3 against each example server: the form-encoded request shape the AWS SDKs send, parsed by a real
 * AWS SDK. Needs Debian's python3-boto3 (.ci/run installs it); it runs in CI always.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ROLE_ARN, type RunningExample, startExample } from '../../demo-setup/testing.js'

const run = promisify(execFile)
const PYTHON = '/usr/bin/python3'
const AWS_CLI = '/usr/bin/aws'
const client = fileURLToPath(new URL('../client.py', import.meta.url))

const hasBoto3 =
  (await run(PYTHON, ['-c', 'import boto3']).then(() => true, () => false)) &&
  (await run(AWS_CLI, ['--version']).then(() => true, () => false))
if (!hasBoto3) {
  if (process.env.CI === 'true') throw new Error('CI must have boto3 and the AWS CLI: .ci/run installs python3-boto3 and awscli')
  console.warn('\n!!! SKIPPING the boto3 and AWS CLI tests: install python3-boto3 and awscli. !!!\n')
}

const fails = (args: string[]) =>
  run(PYTHON, [client, ...args]).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  )

describe.skipIf(!hasBoto3)('boto3 assume_role_with_custom_token', () => {
  for (const example of ['express', 'koa', 'hono']) {
    describe(`against examples/${example}`, () => {
      let server: RunningExample
      beforeAll(async () => {
        server = await startExample(example)
      })
      afterAll(() => server?.stop())

      for (const signed of [false, true]) {
        it(`obtains credentials${signed ? ', signing with placeholder keys' : ''}`, async () => {
          const before = Date.now()
          const args = [server.endpoint, 'aaa', DEMO_ROLE_ARN, '--duration', '1000', ...(signed ? ['--signed'] : [])]
          const creds = JSON.parse((await run(PYTHON, [client, ...args])).stdout)
          const after = Date.now()
          expect(creds).toMatchObject({ assumedUser: 'custom:Alice', accessKeyId: expect.stringMatching(/^[0-9A-Z]{20}$/) })
          expect(creds.secretAccessKey).toMatch(/^[A-Za-z0-9+]{40}$/)
          // Whole seconds, issued some time between before and after.
          const expiration = Date.parse(creds.expiration)
          expect(expiration).toBeGreaterThan(before - 1000 + 1000 * 1000)
          expect(expiration).toBeLessThanOrEqual(after + 1000 * 1000)
          expect(server.output()).toContain(`"accessKeyId":"${creds.accessKeyId}"`)
        })
      }

      it('gets the STS Code and Message of a denial, without the token', async () => {
        const failure = await fails([server.endpoint, 'not-a-demo-token', DEMO_ROLE_ARN])
        expect(failure?.code).toBe(1)
        expect(failure?.stderr).toContain('AccessDenied: Unknown demo token (HTTP 403)')
        expect(failure?.stderr).not.toContain('not-a-demo-token')
      })

      it('serves the AWS CLI too, once the model is written where botocore reads models', async () => {
        const models = mkdtempSync(join(tmpdir(), 'aws-models-'))
        await run(PYTHON, [client, '--write-model', models])
        const { stdout } = await run(
          AWS_CLI,
          ['sts', 'assume-role-with-custom-token', '--endpoint-url', server.endpoint, '--region', 'us-east-1',
            '--no-sign-request', '--token', 'aaa', '--role-arn', DEMO_ROLE_ARN, '--duration-seconds', '900', '--output', 'json'],
          { env: { ...process.env, AWS_DATA_PATH: models, AWS_CONFIG_FILE: join(models, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(models, 'none') } },
        )
        const answer = JSON.parse(stdout)
        expect(answer.AssumedUser).toBe('custom:Alice')
        expect(answer.Credentials.AccessKeyId).toMatch(/^[0-9A-Z]{20}$/)
      })

      it('gets InvalidParameterValue for a duration under 900 seconds', async () => {
        const failure = await fails([server.endpoint, 'aaa', DEMO_ROLE_ARN, '--duration', '899'])
        expect(failure?.stderr).toMatch(/^InvalidParameterValue: Invalid requested duration: 899.* \(HTTP 400\)/)
      })
    })
  }
})
