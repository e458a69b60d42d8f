/**
 * minio-go (Debian's golang-github-minio-minio-go-v7-dev, 7.0.46) against the gateway: credentials with
 * NewCustomTokenCredentials from the gateway's STS endpoint, then a 6 MiB PutObject that minio-go streams with
 * chunked signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, its choice over plain http for a known size below its
 * 16 MiB part size), GetObject, StatObject, ListObjects, RemoveObject, a bucket the claims do not name, and an upload
 * whose body is altered in transit. Needs Go and minio-go (.ci/run installs both); it runs in CI always.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Gateway, ROLE_ARN, startGateway } from './support.js'

const run = promisify(execFile)
const goDir = fileURLToPath(new URL('../go', import.meta.url))
const GOPATH = '/usr/share/gocode'

const hasGo = existsSync(`${GOPATH}/src/github.com/minio/minio-go/v7`) && (await run('go', ['version']).then(() => true, () => false))
if (!hasGo) {
  if (process.env.CI === 'true') throw new Error('CI must have Go and minio-go: .ci/run installs golang-go and golang-github-minio-minio-go-v7-dev')
  console.warn('\n!!! SKIPPING the s3-gateway minio-go tests: Go or minio-go is missing. Install golang-go and golang-github-minio-minio-go-v7-dev. !!!\n')
}

const SIZE = 6 * 1024 * 1024

describe.skipIf(!hasGo)('minio-go against the S3 gateway', () => {
  let out: string
  let program: string
  let gateway: Gateway

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 's3-gateway-go-'))
    program = join(out, 's3-gateway-go')
    await run('go', ['build', '-o', program, 'main.go'], {
      cwd: goDir,
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(out, 'cache'), GOFLAGS: '' },
    })
    gateway = await startGateway()
  }, 300_000)
  afterAll(async () => {
    await gateway?.close()
    if (out) rmSync(out, { recursive: true, force: true })
  })

  it('obtains credentials, then puts (chunked signatures), gets, lists and removes; is denied elsewhere; a tampered chunk fails', async () => {
    const { stdout } = await run(program, [gateway.endpoint, 'aaa', ROLE_ARN, 'data-science', String(SIZE), 'finance'])
    const result = JSON.parse(stdout)

    // The same bytes the Go program wrote: data[i] = byte(i*31 + i/1024).
    const data = Buffer.alloc(SIZE)
    for (let i = 0; i < SIZE; i++) data[i] = (i * 31 + Math.floor(i / 1024)) & 0xff
    const sha256 = createHash('sha256').update(data).digest('hex')
    const md5 = createHash('md5').update(data).digest('hex')

    expect(result.putContentSha256[0]).toBe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')
    expect(result).toMatchObject({
      putSize: SIZE,
      putETag: md5,
      getSha256: sha256,
      statSize: SIZE,
      listed: ['go/object.bin'],
      afterRemove: { code: 'NoSuchKey', status: 404 },
      denied: { code: 'AccessDenied', status: 403 },
      tampered: { code: 'SignatureDoesNotMatch', status: 403 },
    })
    expect(await gateway.storage.list('data-science')).toEqual([])
    expect(await gateway.storage.list('finance')).toEqual([])
  })

  it("fails with the STS endpoint's answer for a token the demo does not know", async () => {
    const failure = await run(program, [gateway.endpoint, 'not-a-demo-token', ROLE_ARN, 'data-science', '1', 'finance']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toContain('403 Forbidden')
    expect(failure?.stderr).not.toContain('not-a-demo-token')
  })
})
