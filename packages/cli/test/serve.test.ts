/**
 * `custom-token-sts serve` as users run it: the built executable as a child process, in front of the example
 * identity plugin (also a child process), both on loopback.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../..')
const CLI = join(ROOT, 'packages/cli/dist/main.js')
const PLUGIN = join(ROOT, 'examples/identity-plugin/src/server.js')
const MINT = join(ROOT, 'examples/identity-plugin/src/mint-token.js')
const GO_CLIENT = join(ROOT, 'examples/minio-go-client')
const GOPATH = '/usr/share/gocode'
const PLUGIN_SECRET = 'plugin-secret-for-tests-0123456789abcdef'
const PLUGIN_AUTH = 'Bearer plugin-auth-for-tests'
const SIGNING_KEY = 'sts-signing-key-for-tests-0123456789abcdef'
// A bad token, distinctive enough to search every output for.
const BAD_TOKEN = 'LEAKCHECK-not-a-jwt-4c1d'

interface Running {
  match: RegExpMatchArray
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

/** Spawns `node args`, resolving once a stdout line matches `ready` (or rejecting when the process ends first). */
async function start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Running> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  child.stderr!.on('data', (c: Buffer) => (err += c))
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
  const match = await new Promise<RegExpMatchArray>((found, fail) => {
    const check = () => {
      const m = ready.exec(out)
      if (m) found(m)
    }
    child.stdout!.on('data', check)
    void exited.then((code) => fail(new Error(`exited with ${code} before ready; stderr: ${err}`)))
  })
  return { child, match, stdout: () => out, stderr: () => err, exited }
}

/** Runs `node args` to completion. */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c))
  child.stderr.on('data', (c: Buffer) => (stderr += c))
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)))
  return { code, stdout, stderr }
}

function post(url: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = http.request(url, { method: 'POST', agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => done({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', fail)
    req.end()
  })
}

const stsQuery = (token: string, roleArn: string) =>
  `/?${new URLSearchParams({ Action: 'AssumeRoleWithCustomToken', Version: '2011-06-15', Token: token, RoleArn: roleArn })}`

const arnFor = (url: string, region = '') =>
  `arn:minio:iam:${region}::role/idmp-${createHash('sha1').update(url).digest('base64url')}`

let plugin: Running
let pluginUrl: string
let sts: Running
let stsUrl: string
let roleArn: string
let goodToken: string

beforeAll(async () => {
  // `pnpm test` builds every package first; a lone `vitest run` here builds the command if it is missing.
  if (!existsSync(CLI)) execFileSync('npx', ['tsup'], { cwd: join(ROOT, 'packages/cli'), stdio: 'ignore' })

  plugin = await start([PLUGIN], { PORT: '0', PLUGIN_SECRET, PLUGIN_AUTH_TOKEN: PLUGIN_AUTH }, /listening on (http:\/\/\S+)/)
  pluginUrl = plugin.match[1]!
  goodToken = execFileSync(process.execPath, [MINT, 'alice', 'data-science,ops'], {
    env: { PATH: process.env.PATH, PLUGIN_SECRET },
    encoding: 'utf8',
  }).trim()

  sts = await start(
    [CLI, 'serve'],
    {
      MINIO_IDENTITY_PLUGIN_URL: pluginUrl,
      MINIO_IDENTITY_PLUGIN_AUTH_TOKEN: PLUGIN_AUTH,
      MINIO_IDENTITY_PLUGIN_ROLE_POLICY: 'readwrite',
      MINIO_REGION: 'us-east-1',
      STS_SIGNING_KEY: SIGNING_KEY,
      STS_PORT: '0',
    },
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  )
  stsUrl = sts.match[1]!
  roleArn = /Role ARN: (\S+)/.exec(sts.stdout())![1]!
})

afterAll(async () => {
  for (const p of [sts, plugin]) {
    if (p && p.child.exitCode === null) {
      p.child.kill('SIGTERM')
      await p.exited
    }
  }
})

describe('custom-token-sts serve with the example identity plugin', () => {
  it('prints the role ARN MinIO would give the plugin URL, with the region', () => {
    expect(roleArn).toBe(arnFor(pluginUrl, 'us-east-1'))
  })

  it('issues credentials for a good token to a plain POST, and logs one JSON line without the token', async () => {
    const answer = await post(`${stsUrl}${stsQuery(goodToken, roleArn)}`)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatch(/<AccessKeyId>[0-9A-Z]{20}<\/AccessKeyId><SecretAccessKey>[A-Za-z0-9+]{40}<\/SecretAccessKey>/)
    expect(answer.body).toContain('<AssumedUser>custom:alice</AssumedUser>')
    const sessionToken = /<SessionToken>([^<]+)<\/SessionToken>/.exec(answer.body)![1]!
    const claims = JSON.parse(Buffer.from(sessionToken.split('.')[1]!, 'base64url').toString())
    expect(claims).toMatchObject({ sub: 'custom:alice', roleArn, groups: ['data-science', 'ops'] })

    await expect.poll(() => sts.stdout()).toMatch(/"type":"issued"/)
    const line = sts.stdout().split('\n').find((l) => l.includes('"type":"issued"'))!
    expect(JSON.parse(line)).toMatchObject({ type: 'issued', user: 'alice', roleArn })
    expect(sts.stdout() + sts.stderr()).not.toContain(goodToken)
    expect(sts.stdout() + sts.stderr()).not.toContain(sessionToken)
  })

  it("passes the plugin's denial on as 403 AccessDenied, without the token anywhere", async () => {
    const answer = await post(`${stsUrl}${stsQuery(BAD_TOKEN, roleArn)}`)
    expect(answer.status).toBe(403)
    expect(answer.body).toContain('<Code>AccessDenied</Code>')
    expect(answer.body).toContain('<Message>invalid token (ERR_JWS_INVALID)</Message>')
    await expect.poll(() => sts.stdout()).toMatch(/"type":"denied"/)
    expect(answer.body + sts.stdout() + sts.stderr()).not.toContain('LEAKCHECK')
  })

  it('answers GET /health with 200', async () => {
    const res = await fetch(`${stsUrl}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('takes its configuration from flags too, and stops with exit code 0 on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-test-'))
    writeFileSync(join(dir, 'key'), `${SIGNING_KEY}\n`, { mode: 0o600 })
    const other = await start(
      [CLI, 'serve', '--plugin-url', pluginUrl, '--plugin-auth-token', PLUGIN_AUTH, '--role-id=flag_role-1', '--region', 'eu-west-2',
        '--signing-key-file', join(dir, 'key'), '--address', '127.0.0.1', '--port', '0'],
      {},
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    )
    expect(other.stdout()).toContain('Role ARN: arn:minio:iam:eu-west-2::role/idmp-flag_role-1\n')
    const answer = await post(`${other.match[1]}${stsQuery(goodToken, 'arn:minio:iam:eu-west-2::role/idmp-flag_role-1')}`)
    expect(answer.status).toBe(200)
    other.child.kill('SIGINT')
    expect(await other.exited).toBe(0)
  })
})

const execFileAsync = promisify(execFile)
const hasGo =
  existsSync(`${GOPATH}/src/github.com/minio/minio-go/v7`) && (await execFileAsync('go', ['version']).then(() => true, () => false))
if (!hasGo) {
  if (process.env.CI === 'true') throw new Error('CI must have Go and minio-go: .ci/run installs golang-go and golang-github-minio-minio-go-v7-dev')
  console.warn('\n!!! SKIPPING minio-go against `custom-token-sts serve`: install golang-go and golang-github-minio-minio-go-v7-dev. !!!\n')
}

describe.skipIf(!hasGo)('custom-token-sts serve with minio-go NewCustomTokenCredentials', () => {
  let client: string

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'serve-minio-go-'))
    client = join(out, 'minio-go-client')
    await execFileAsync('go', ['build', '-o', client, 'main.go'], {
      cwd: GO_CLIENT,
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(out, 'cache'), GOFLAGS: '' },
    })
  }, 300_000)

  it('obtains credentials through the example plugin', async () => {
    const { stdout } = await execFileAsync(client, [stsUrl, goodToken, roleArn, '900'])
    const creds = JSON.parse(stdout)
    expect(creds.accessKeyId).toMatch(/^[0-9A-Z]{20}$/)
    expect(creds.secretAccessKey).toMatch(/^[A-Za-z0-9+]{40}$/)
    const claims = JSON.parse(Buffer.from(String(creds.sessionToken).split('.')[1]!, 'base64url').toString())
    expect(claims).toMatchObject({ accessKey: creds.accessKeyId, sub: 'custom:alice', roleArn, groups: ['data-science', 'ops'] })
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(900)
  })

  it('fails with 403 for a token the plugin denies, without printing it', async () => {
    const failure = await execFileAsync(client, [stsUrl, BAD_TOKEN, roleArn]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toContain('403 Forbidden')
    expect(failure?.stderr).not.toContain('LEAKCHECK')
  })
})

describe('custom-token-sts serve: shutdown', () => {
  it('finishes the request in flight on SIGTERM, then exits 0', async () => {
    // A plugin that answers only after the signal was sent.
    let release: () => void = () => {}
    let arrived: () => void = () => {}
    const requestArrived = new Promise<void>((r) => (arrived = r))
    const slow = http.createServer((_req, res) => {
      arrived()
      release = () => res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ user: 'slow', maxValiditySeconds: 900, claims: {} }),
      )
    })
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`
    const server = await start(
      [CLI, 'serve'],
      { MINIO_IDENTITY_PLUGIN_URL: url, STS_SIGNING_KEY: SIGNING_KEY, PORT: '0' },
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    )
    const inFlight = post(`${server.match[1]}${stsQuery('t', arnFor(url))}`)
    await requestArrived
    server.child.kill('SIGTERM')
    // The listener stops accepting at once.
    await expect.poll(async () => fetch(`${server.match[1]}/health`).then(() => 'up', () => 'closed')).toBe('closed')
    expect(server.child.exitCode).toBeNull()
    release()
    expect((await inFlight).status).toBe(200)
    expect(await server.exited).toBe(0)
    slow.closeAllConnections()
    await new Promise((r) => slow.close(r))
  })
})

describe('custom-token-sts serve: bad configurations', () => {
  const base = { MINIO_IDENTITY_PLUGIN_URL: 'http://127.0.0.1:1/', STS_SIGNING_KEY: SIGNING_KEY, STS_PORT: '0' }

  it.each([
    ['no plugin URL', [], { ...base, MINIO_IDENTITY_PLUGIN_URL: '' }, /no identity plugin URL/],
    ['a plugin URL that is not http', [], { ...base, MINIO_IDENTITY_PLUGIN_URL: 'ftp://x' }, /must be http or https/],
    ['no signing key', [], { ...base, STS_SIGNING_KEY: '' }, /no signing key/],
    ['a short signing key', [], { ...base, STS_SIGNING_KEY: 'short' }, /signing key is 5 bytes long; it must be at least 32/],
    ['a missing key file', ['--signing-key-file', '/nonexistent/key'], { ...base, STS_SIGNING_KEY: '' }, /cannot read the signing key file/],
    ['a signing key on the command line', ['--signing-key', SIGNING_KEY], base, /--signing-key is not accepted/],
    ['a port that is not a number', ['--port', 'http'], base, /bad port "http"/],
    ['a port out of range', [], { ...base, STS_PORT: '70000' }, /bad port "70000"/],
    ['a bad role id', [], { ...base, MINIO_IDENTITY_PLUGIN_ROLE_ID: 'not/valid' }, /roleId must match/],
    ['a bad region', ['--region', 'us east'], base, /region/],
    ['an unknown flag', ['--frobnicate'], base, /unknown argument "--frobnicate"/],
  ])('refuses %s with one clear line and exit code 2', async (_, args, env, message) => {
    const { code, stdout, stderr } = await run([CLI, 'serve', ...args], env)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(message)
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(/^custom-token-sts serve: /)
    expect(stderr).not.toContain(SIGNING_KEY)
  })

  it('exits 1 when the address is taken', async () => {
    const port = new URL(stsUrl).port
    const { code, stderr } = await run([CLI, 'serve'], { ...base, STS_PORT: port })
    expect(code).toBe(1)
    expect(stderr).toBe(`custom-token-sts serve: cannot listen on 127.0.0.1:${port} (EADDRINUSE)\n`)
  })
})
