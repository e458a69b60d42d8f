/**
 * minio-go, the action's only official client, against each example server started as its own process.
 * Needs Go and Debian's golang-github-minio-minio-go-v7-dev (.ci/run installs both); it runs in CI always.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ROLE_ARN as ROLE_ARN, type RunningExample, startExample } from '../../demo-setup/testing.js'

const run = promisify(execFile)
const here = fileURLToPath(new URL('..', import.meta.url))
const GOPATH = '/usr/share/gocode'

const hasGo = existsSync(`${GOPATH}/src/github.com/minio/minio-go/v7`) && (await run('go', ['version']).then(() => true, () => false))
if (!hasGo) {
  if (process.env.CI === 'true') throw new Error('CI must have Go and minio-go: .ci/run installs golang-go and golang-github-minio-minio-go-v7-dev')
  console.warn('\n!!! SKIPPING the minio-go tests: Go or minio-go is missing. Install golang-go and golang-github-minio-minio-go-v7-dev. !!!\n')
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'))

describe.skipIf(!hasGo)('minio-go NewCustomTokenCredentials', () => {
  let client: string

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'minio-go-client-'))
    client = join(out, 'minio-go-client')
    await run('go', ['build', '-o', client, 'main.go'], {
      cwd: here,
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(out, 'cache'), GOFLAGS: '' },
    })
  }, 300_000)

  for (const example of ['express', 'koa', 'hono']) {
    describe(`against examples/${example}`, () => {
      let server: RunningExample
      beforeAll(async () => {
        server = await startExample(example)
      })
      afterAll(() => {
        server?.stop()
      })

      it('obtains credentials for the demo token, with the role ARN the server printed', async () => {
        expect(server.output()).toContain(`RoleArn: ${ROLE_ARN}`)
        const { stdout } = await run(client, [server.endpoint, 'aaa', ROLE_ARN])
        const creds = JSON.parse(stdout)
        expect(creds.accessKeyId).toMatch(/^[0-9A-Z]{20}$/)
        expect(creds.secretAccessKey).toMatch(/^[A-Za-z0-9+]{40}$/)
        const claims = payloadOf(creds.sessionToken)
        expect(claims).toMatchObject({ accessKey: creds.accessKeyId, sub: 'custom:Alice', parent: 'custom:Alice', roleArn: ROLE_ARN })
        expect(claims.groups).toEqual(['data-science'])
      })

      it('asks for a shorter validity with DurationSeconds', async () => {
        const now = Math.floor(Date.now() / 1000)
        const { stdout } = await run(client, [server.endpoint, 'aaa', ROLE_ARN, '900'])
        const { exp } = payloadOf(JSON.parse(stdout).sessionToken)
        expect(exp - now).toBeGreaterThanOrEqual(899)
        expect(exp - now).toBeLessThanOrEqual(902)
      })

      it("fails with the server's status for a denied token", async () => {
        const failure = await run(client, [server.endpoint, 'not-a-demo-token', ROLE_ARN]).then(
          () => undefined,
          (error: { code: number; stderr: string }) => error,
        )
        expect(failure?.code).toBe(1)
        expect(failure?.stderr).toContain('403 Forbidden')
        expect(failure?.stderr).not.toContain('not-a-demo-token')
      })

      it("fails with the server's status for an unknown role", async () => {
        const failure = await run(client, [server.endpoint, 'aaa', 'arn:minio:iam:::role/idmp-other']).then(
          () => undefined,
          (error: { code: number; stderr: string }) => error,
        )
        expect(failure?.code).toBe(1)
        expect(failure?.stderr).toContain('400 Bad Request')
      })
    })
  }
})
