/**
 * The README's end-to-end story, for real: `pnpm start` (server.js as its own process), credentials from the custom
 * token with the `custom-token-sts` CLI (both `--format env` and the AWS CLI's `credential_process`), then the AWS
 * CLI (Debian's awscli, v2.9) and boto3 (Debian's python3-boto3) upload, list, download and remove. Runs in CI
 * always (.ci/run installs awscli and python3-boto3).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLE_ARN } from './support.js'

const run = promisify(execFile)
const here = fileURLToPath(new URL('..', import.meta.url))
const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url))
const AWS = '/usr/bin/aws'

const hasAws = existsSync(AWS)
if (!hasAws) {
  if (process.env.CI === 'true') throw new Error('CI must have the AWS CLI: .ci/run installs awscli')
  console.warn('\n!!! SKIPPING the s3-gateway AWS CLI tests: /usr/bin/aws is missing. Install awscli. !!!\n')
}
const hasBoto3 = await run('/usr/bin/python3', ['-c', 'import boto3']).then(() => true, () => false)
if (!hasBoto3) {
  if (process.env.CI === 'true') throw new Error('CI must have boto3: .ci/run installs python3-boto3')
  console.warn('\n!!! SKIPPING the s3-gateway boto3 test: python3-boto3 is missing. Install python3-boto3. !!!\n')
}

/** What the README shows for boto3: the profile's credential_process supplies the credentials. */
const BOTO3 = `
import sys, boto3
from botocore.config import Config
s3 = boto3.Session(profile_name="gateway").client("s3", endpoint_url=sys.argv[1], config=Config(s3={"addressing_style": "path"}))
s3.upload_file(sys.argv[2], "data-science", "boto3/hello.txt")
print(s3.get_object(Bucket="data-science", Key="boto3/hello.txt")["Body"].read().decode(), end="")
print([o["Key"] for o in s3.list_objects_v2(Bucket="data-science", Prefix="boto3/")["Contents"]])
try:
    s3.put_object(Bucket="finance", Key="x.txt", Body=b"x")
except s3.exceptions.ClientError as e:
    print(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
s3.delete_object(Bucket="data-science", Key="boto3/hello.txt")
print(s3.list_objects_v2(Bucket="data-science", Prefix="boto3/")["KeyCount"])
`

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe.skipIf(!hasAws)('the AWS CLI with credentials from a custom token, against `pnpm start`', () => {
  let dir: string
  let child: ChildProcess
  let endpoint: string
  /** The environment of every aws command: nothing from the developer's own AWS setup. */
  let awsEnv: NodeJS.ProcessEnv

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the packages first (pnpm build)`)
    dir = mkdtempSync(join(tmpdir(), 's3-gateway-cli-'))
    const port = await freePort()
    endpoint = `http://127.0.0.1:${port}`
    child = spawn(process.execPath, ['server.js'], {
      cwd: here,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: join(dir, 'data'), STS_SIGNING_KEY: 'an example signing key of 32 bytes or more' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the gateway did not start: ${output}`)), 15_000)
      child.stdout!.on('data', (chunk) => {
        output += chunk
        if (output.includes('RoleArn: ')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.stderr!.on('data', (chunk) => (output += chunk))
      child.once('exit', (code) => reject(new Error(`the gateway exited with ${code}: ${output}`)))
    })
    expect(output).toContain(`RoleArn: ${ROLE_ARN}`)

    writeFileSync(join(dir, 'token'), 'aaa\n')
    // credential_process runs the CLI; the s3 section keeps `aws s3 cp` to single PutObjects (no multipart uploads).
    writeFileSync(
      join(dir, 'config'),
      [
        '[profile gateway]',
        'region = us-east-1',
        `credential_process = ${process.execPath} ${CLI} assume --endpoint ${endpoint}/ --role-arn ${ROLE_ARN} --token-file ${join(dir, 'token')} --format credential-process`,
        's3 =',
        '  multipart_threshold = 5GB',
        '',
      ].join('\n'),
    )
    awsEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')))
    Object.assign(awsEnv, { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'), AWS_PAGER: '' })
  }, 30_000)
  afterAll(() => {
    child?.kill()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const aws = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(AWS, ['--endpoint-url', endpoint, ...args], { env: { ...awsEnv, ...env } })

  it('uploads with credentials exported by `custom-token-sts assume --format env`', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'assume', '--endpoint', `${endpoint}/`, '--role-arn', ROLE_ARN, '--format', 'env'], {
      env: { ...awsEnv, CUSTOM_TOKEN: 'aaa' },
    })
    const exported = Object.fromEntries([...stdout.matchAll(/^export (AWS_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'|'$/g, '')]))
    expect(Object.keys(exported).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
    const file = join(dir, 'hello.txt')
    writeFileSync(file, 'hello from the AWS CLI\n')
    const { stdout: copied } = await aws(['s3', 'cp', file, 's3://data-science/hello.txt'], { ...exported, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: join(dir, 'none') })
    expect(copied).toContain('upload: ')
  }, 60_000)

  it('through credential_process: lists, uploads 9 MiB, downloads it intact, is denied elsewhere, removes', async () => {
    const profile = ['--profile', 'gateway']
    expect((await aws(['s3', 'ls', ...profile])).stdout).toMatch(/ data-science\n$/)
    const file = join(dir, 'big.bin')
    const data = randomBytes(9 * 1024 * 1024)
    writeFileSync(file, data)
    await aws(['s3', 'cp', file, 's3://data-science/uploads/big.bin', ...profile])
    const listed = (await aws(['s3', 'ls', '--recursive', 's3://data-science/', ...profile])).stdout
    expect(listed).toMatch(new RegExp(` ${data.length} uploads/big\\.bin\\n`))
    expect(listed).toMatch(/ 23 hello\.txt\n/)
    await aws(['s3', 'cp', 's3://data-science/uploads/big.bin', join(dir, 'back.bin'), ...profile])
    expect(readFileSync(join(dir, 'back.bin')).equals(data)).toBe(true)

    const denied = await aws(['s3', 'cp', join(dir, 'hello.txt'), 's3://finance/hello.txt', ...profile]).then(
      () => undefined,
      (error: { stderr: string }) => error,
    )
    expect(denied?.stderr).toContain('An error occurred (AccessDenied) when calling the PutObject operation')

    await aws(['s3', 'rm', 's3://data-science/uploads/big.bin', ...profile])
    const { stdout } = await aws(['s3api', 'list-objects-v2', '--bucket', 'data-science', '--query', 'Contents[].Key', '--output', 'text', ...profile])
    expect(stdout.trim()).toBe('hello.txt')
  }, 120_000)

  it.skipIf(!hasBoto3)('boto3 with the same profile: uploads, reads, lists, is denied elsewhere, deletes', async () => {
    const file = join(dir, 'boto3.txt')
    writeFileSync(file, 'hello from boto3\n')
    const { stdout } = await run('/usr/bin/python3', ['-c', BOTO3, endpoint, file], { env: awsEnv })
    expect(stdout).toBe("hello from boto3\n['boto3/hello.txt']\nAccessDenied 403\n0\n")
  }, 60_000)
})
