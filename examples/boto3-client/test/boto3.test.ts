/**
 * botocore/boto3 against each example server: the form-encoded request shape the AWS SDKs send, parsed by a real
 * AWS SDK. Needs Debian's python3-boto3 (.ci/run installs it); it runs in CI always.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ROLE_ARN, type RunningExample, startExample } from '../../demo-setup/testing.js'

const run = promisify(execFile)
const PYTHON = '/usr/bin/python3'
const client = fileURLToPath(new URL('../client.py', import.meta.url))

const hasBoto3 = await run(PYTHON, ['-c', 'import boto3']).then(() => true, () => false)
if (!hasBoto3) {
  if (process.env.CI === 'true') throw new Error('CI must have boto3: .ci/run installs python3-boto3')
  console.warn('\n!!! SKIPPING the boto3 tests: /usr/bin/python3 cannot import boto3. Install python3-boto3. !!!\n')
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
          expect(creds).toMatchObject({ assumedUser: 'custom:Alice', accessKeyId: expect.stringMatching(/^[0-9A-Z]{20}$/) })
          expect(creds.secretAccessKey).toMatch(/^[A-Za-z0-9+]{40}$/)
          const seconds = (Date.parse(creds.expiration) - before) / 1000
          expect(seconds).toBeGreaterThan(995)
          expect(seconds).toBeLessThanOrEqual(1001)
          expect(server.output()).toContain(`"accessKeyId":"${creds.accessKeyId}"`)
        })
      }

      it('gets the STS Code and Message of a denial, without the token', async () => {
        const failure = await fails([server.endpoint, 'not-a-demo-token', DEMO_ROLE_ARN])
        expect(failure?.code).toBe(1)
        expect(failure?.stderr).toContain('AccessDenied: Unknown demo token (HTTP 403)')
        expect(failure?.stderr).not.toContain('not-a-demo-token')
      })

      it('gets InvalidParameterValue for a duration under 900 seconds', async () => {
        const failure = await fails([server.endpoint, 'aaa', DEMO_ROLE_ARN, '--duration', '899'])
        expect(failure?.stderr).toMatch(/^InvalidParameterValue: Invalid requested duration: 899.* \(HTTP 400\)/)
      })
    })
  }
})
