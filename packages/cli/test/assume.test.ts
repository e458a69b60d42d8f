import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { type RequestListener, type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IdentityDenied, type Sts, createSts } from '@custom-token-sts/core'
import { stsListener } from '@custom-token-sts/core/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const GOOD = 'good-token-for-cli'
const DENIED = 'denied-token-never-printed'

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command without blocking this process's event loop: the STS server answering it lives here. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [BIN, ...args], env)

describe('custom-token-sts assume (the built bin, as a child process)', () => {
  let sts: Sts
  let server: Server
  let endpoint: string
  let roleArn: string
  let requests = 0
  let dir: string

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the workspace first (pnpm build)`)
    sts = createSts({
      signingKey: 'cli-test-signing-key-at-least-32-bytes',
      roles: [
        {
          id: 'cli',
          identify: ({ token }) => {
            if (token !== GOOD) throw new IdentityDenied('token not recognised')
            return { user: 'carol', maxValiditySeconds: 3600 }
          },
        },
      ],
    })
    roleArn = sts.roleArns[0]!
    const listener: RequestListener = stsListener(sts)
    server = createServer((req, res) => {
      requests++
      listener(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    dir = await mkdtemp(join(tmpdir(), 'cts-cli-'))
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  const base = () => ['assume', '--endpoint', endpoint, '--role-arn', roleArn]

  it('prints shell exports (token from --token) that the server recognises', async () => {
    const result = await cli([...base(), '--token', GOOD])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const vars = Object.fromEntries(
      [...result.stdout.matchAll(/^export (AWS_[A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]),
    )
    expect(Object.keys(vars)).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
    ])
    const verified = await sts.verify(vars.AWS_ACCESS_KEY_ID!, vars.AWS_SESSION_TOKEN!)
    expect(verified.user).toBe('carol')
    expect(vars.AWS_CREDENTIAL_EXPIRATION).toBe(verified.expiration.toISOString().replace('.000Z', 'Z'))
  })

  it('prints the exports in a form a POSIX shell evaluates', async () => {
    const result = await cli([...base(), '--token', GOOD])
    const shell = await run('/bin/sh', ['-c', `${result.stdout}\nprintf '%s %s' "$AWS_ACCESS_KEY_ID" "$AWS_SESSION_TOKEN"`])
    const [accessKeyId, sessionToken] = shell.stdout.split(' ')
    await expect(sts.verify(accessKeyId!, sessionToken!)).resolves.toMatchObject({ user: 'carol' })
  })

  it('prints JSON (token from CUSTOM_TOKEN, form style)', async () => {
    const result = await cli([...base(), '--format', 'json', '--style', 'form', '--duration', '900'], { CUSTOM_TOKEN: GOOD })
    expect(result.code).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(Object.keys(json)).toEqual(['Credentials', 'AssumedUser', 'RequestId'])
    expect(json.AssumedUser).toBe('custom:carol')
    const verified = await sts.verify(json.Credentials.AccessKeyId, json.Credentials.SessionToken)
    expect(Date.parse(json.Credentials.Expiration)).toBe(verified.expiration.getTime())
    expect(verified.expiration.getTime() - Date.now()).toBeLessThanOrEqual(900_000)
  })

  it('prints the credential_process format (token from --token-file)', async () => {
    const file = join(dir, 'token')
    await writeFile(file, `${GOOD}\n`)
    const result = await cli([...base(), '--format', 'credential-process', '--token-file', file])
    expect(result.code).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(Object.keys(json)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])
    expect(json.Version).toBe(1)
    expect(json.Expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    await expect(sts.verify(json.AccessKeyId, json.SessionToken)).resolves.toMatchObject({ user: 'carol' })
  })

  it('exits 1 on a denial with the STS Code and Message on stderr, the token nowhere, and one request', async () => {
    for (const args of [['--token', DENIED], ['--format', 'credential-process', '--token', DENIED]]) {
      const before = requests
      const result = await cli([...base(), ...args])
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^custom-token-sts assume: AccessDenied: token not recognised \(HTTP 403, RequestId \S+\)\n$/)
      expect(result.stdout + result.stderr).not.toContain(DENIED)
      expect(requests - before).toBe(1)
    }
  })

  it('exits 2 with a usage message for missing or conflicting options, without calling the server', async () => {
    const before = requests
    for (const [args, message] of [
      [['assume', '--role-arn', 'x', '--token', 't'], /--endpoint is required/],
      [[...base()], /no token/],
      [[...base(), '--token', 't', '--token-file', 'f'], /not both/],
      [[...base(), '--token', 't', '--format', 'yaml'], /--format must be one of/],
      [[...base(), '--token', 't', '--duration', 'ten'], /--duration must be an integer/],
      [[...base(), '--token', 't', '--bogus'], /Unknown option '--bogus'/],
      [[...base(), '--token-file', join(dir, 'missing')], /cannot read --token-file .*: ENOENT/],
    ] as const) {
      const result = await cli([...args])
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(message)
    }
    expect(requests).toBe(before)
  })

  it('prints help for --help and for no command', async () => {
    const help = await cli(['assume', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--format FORMAT/)
    const top = await cli([])
    expect(top.code).toBe(2)
    expect(top.stdout).toMatch(/assume .*\n\s+serve/)
  })

  it('reports an unreachable endpoint on stderr, exit 1', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const result = await cli(['assume', '--endpoint', `http://127.0.0.1:${port}/`, '--role-arn', roleArn, '--token', DENIED, '--retries', '0'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Could not reach the STS endpoint: .*ECONNREFUSED/)
    expect(result.stderr).not.toContain(DENIED)
  })

  describe('credential_process used by a real AWS client', () => {
    it('gives the issued credentials to the AWS CLI (or botocore)', async () => {
      const client = await findAwsClient()
      if (!client) {
        // Never skip in CI: .ci/apt-packages.txt installs awscli there.
        if (process.env.CI === 'true') throw new Error('no AWS CLI with export-credentials and no botocore in CI')
        console.warn('\n!!! SKIPPING the AWS CLI credential_process test: install the Debian package awscli !!!\n')
        return
      }
      const token = join(dir, 'aws-token')
      await writeFile(token, GOOD)
      const config = join(dir, 'aws-config')
      await writeFile(
        config,
        `[profile cts]\nregion = us-east-1\ncredential_process = "${process.execPath}" "${BIN}" assume --endpoint ${endpoint} --role-arn ${roleArn} --token-file "${token}" --format credential-process\n`,
      )
      const env = {
        HOME: dir,
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
        AWS_PROFILE: 'cts',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      }
      const before = requests
      const result =
        client.kind === 'aws-cli'
          ? await run(client.file, ['configure', 'export-credentials', '--format', 'env'], env)
          : await run(client.file, ['-c', BOTOCORE_SCRIPT], env)
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(result.stdout)?.[1]
      const sessionToken = /AWS_SESSION_TOKEN=(\S+)/.exec(result.stdout)?.[1]
      expect(accessKeyId).toMatch(/^[0-9A-Z]{20}$/)
      await expect(sts.verify(accessKeyId!, sessionToken!)).resolves.toMatchObject({ user: 'carol' })
      expect(requests - before).toBe(1)
    })
  })
})

const BOTOCORE_SCRIPT = `
import botocore.session
c = botocore.session.Session().get_credentials().get_frozen_credentials()
print("export AWS_ACCESS_KEY_ID=" + c.access_key)
print("export AWS_SESSION_TOKEN=" + c.token)
`

/**
 * An AWS CLI that has `configure export-credentials` (v2.9 and later; Debian's awscli package, at /usr/bin/aws, is
 * preferred over any other `aws` on PATH, which may be the older v1), else a python3 with botocore, the library
 * under both the v1 CLI and boto3.
 */
async function findAwsClient(): Promise<{ kind: 'aws-cli' | 'botocore'; file: string } | undefined> {
  for (const file of ['/usr/bin/aws', 'aws']) {
    const version = await run(file, ['--version'])
    const m = /aws-cli\/(\d+)\.(\d+)/.exec(version.stdout + version.stderr)
    if (version.code === 0 && m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 9))) {
      return { kind: 'aws-cli', file }
    }
  }
  const python = await run('python3', ['-c', 'import botocore'])
  return python.code === 0 ? { kind: 'botocore', file: 'python3' } : undefined
}
