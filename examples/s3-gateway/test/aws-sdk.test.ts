/**
 * @aws-sdk/client-s3 against the gateway, with credentials from the gateway's own STS endpoint through
 * @custom-token-sts/client's fromCustomToken: list, put, get, delete, a presigned GET with plain fetch, and the
 * claims deciding which buckets a user may touch.
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Gateway, s3Client, startGateway } from './support.js'

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex')

async function expectS3Exception(promise: Promise<unknown>, status: number, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(S3ServiceException)
  expect((error as S3ServiceException).name).toBe(code)
  expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(status)
  expect((error as S3ServiceException).$metadata.requestId).toMatch(/^[0-9A-F]{16}$/)
}

describe('@aws-sdk/client-s3 with credentials from the gateway STS endpoint', () => {
  let gateway: Gateway
  let alice: S3Client
  beforeAll(async () => {
    gateway = await startGateway()
    alice = s3Client(gateway.endpoint, 'aaa')
  })
  afterAll(async () => {
    alice?.destroy()
    await gateway?.close()
  })

  it('lists only the buckets the claims name', async () => {
    const { Buckets, Owner } = await alice.send(new ListBucketsCommand({}))
    expect(Buckets?.map((b) => b.Name)).toEqual(['data-science'])
    expect(Owner?.ID).toBe('Alice')
    const bob = s3Client(gateway.endpoint, 'bbb')
    expect((await bob.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(['finance'])
    bob.destroy()
  })

  it('puts, lists, heads, gets and deletes objects', async () => {
    const body = Buffer.from('hello from the AWS SDK\n'.repeat(1000))
    const put = await alice.send(new PutObjectCommand({ Bucket: 'data-science', Key: 'reports/2026/q1 ü+.txt', Body: body, ContentType: 'text/plain' }))
    expect(put.ETag).toBe(`"${md5(body)}"`)
    await alice.send(new PutObjectCommand({ Bucket: 'data-science', Key: 'readme.md', Body: '# hi' }))

    const all = await alice.send(new ListObjectsV2Command({ Bucket: 'data-science' }))
    expect(all.Contents?.map((o) => [o.Key, o.Size])).toEqual([
      ['readme.md', 4],
      ['reports/2026/q1 ü+.txt', body.length],
    ])
    const top = await alice.send(new ListObjectsV2Command({ Bucket: 'data-science', Delimiter: '/' }))
    expect(top.Contents?.map((o) => o.Key)).toEqual(['readme.md'])
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['reports/'])
    const paged = await alice.send(new ListObjectsV2Command({ Bucket: 'data-science', MaxKeys: 1 }))
    expect([paged.IsTruncated, paged.Contents?.map((o) => o.Key)]).toEqual([true, ['readme.md']])
    const next = await alice.send(new ListObjectsV2Command({ Bucket: 'data-science', MaxKeys: 1, ContinuationToken: paged.NextContinuationToken }))
    expect([next.IsTruncated, next.Contents?.map((o) => o.Key)]).toEqual([false, ['reports/2026/q1 ü+.txt']])

    const head = await alice.send(new HeadObjectCommand({ Bucket: 'data-science', Key: 'reports/2026/q1 ü+.txt' }))
    expect([head.ContentLength, head.ContentType, head.ETag]).toEqual([body.length, 'text/plain', `"${md5(body)}"`])
    const got = await alice.send(new GetObjectCommand({ Bucket: 'data-science', Key: 'reports/2026/q1 ü+.txt' }))
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true)
    const ranged = await alice.send(new GetObjectCommand({ Bucket: 'data-science', Key: 'reports/2026/q1 ü+.txt', Range: 'bytes=6-9' }))
    expect([await ranged.Body!.transformToString(), ranged.ContentRange]).toEqual(['from', `bytes 6-9/${body.length}`])

    await alice.send(new DeleteObjectCommand({ Bucket: 'data-science', Key: 'reports/2026/q1 ü+.txt' }))
    await expectS3Exception(alice.send(new GetObjectCommand({ Bucket: 'data-science', Key: 'reports/2026/q1 ü+.txt' })), 404, 'NoSuchKey')
    expect((await alice.send(new ListObjectsV2Command({ Bucket: 'data-science' }))).Contents?.map((o) => o.Key)).toEqual(['readme.md'])
  })

  it('streams a multi-megabyte body from a Node stream (STREAMING-UNSIGNED-PAYLOAD-TRAILER), with each checksum', async () => {
    const size = 6 * 1024 * 1024 + 5
    const data = Buffer.alloc(size)
    for (let i = 0; i < size; i++) data[i] = (i * 13) & 0xff
    const sent: string[] = []
    alice.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers
        if (headers['x-amz-trailer']) sent.push(`${headers['x-amz-content-sha256']} ${headers['x-amz-trailer']}`)
        return next(args)
      },
      { step: 'finalizeRequest', name: 'record-trailer' },
    )
    try {
      for (const algorithm of [undefined, 'CRC32C', 'SHA1', 'SHA256'] as const) {
        const body = Readable.from([data.subarray(0, size / 3), data.subarray(size / 3)])
        await alice.send(new PutObjectCommand({ Bucket: 'data-science', Key: 'big.bin', Body: body, ContentLength: size, ChecksumAlgorithm: algorithm }))
        const head = await alice.send(new HeadObjectCommand({ Bucket: 'data-science', Key: 'big.bin' }))
        expect([head.ContentLength, head.ETag]).toEqual([size, `"${md5(data)}"`])
      }
    } finally {
      alice.middlewareStack.remove('record-trailer')
    }
    expect(sent).toEqual(
      ['crc32', 'crc32c', 'sha1', 'sha256'].map((name) => `STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-${name}`),
    )
  })

  it('with requestChecksumCalculation WHEN_REQUIRED, a stream goes as a signed SHA-256 or unsigned payload', async () => {
    const plain = s3Client(gateway.endpoint, 'aaa', { requestChecksumCalculation: 'WHEN_REQUIRED' })
    try {
      await plain.send(new PutObjectCommand({ Bucket: 'data-science', Key: 'plain.txt', Body: Readable.from([Buffer.from('plain')]), ContentLength: 5 }))
      const got = await plain.send(new GetObjectCommand({ Bucket: 'data-science', Key: 'plain.txt' }))
      expect(await got.Body!.transformToString()).toBe('plain')
    } finally {
      plain.destroy()
    }
  })

  it('answers AccessDenied 403 for a bucket the claims do not name, and stores nothing there', async () => {
    await expectS3Exception(alice.send(new PutObjectCommand({ Bucket: 'finance', Key: 'x', Body: 'x' })), 403, 'AccessDenied')
    await expectS3Exception(alice.send(new ListObjectsV2Command({ Bucket: 'finance' })), 403, 'AccessDenied')
    await expectS3Exception(alice.send(new GetObjectCommand({ Bucket: 'finance', Key: 'x' })), 403, 'AccessDenied')
    expect(await gateway.storage.list('finance')).toEqual([])
  })

  it('serves a presigned GET made by @aws-sdk/s3-request-presigner to plain fetch', async () => {
    await alice.send(new PutObjectCommand({ Bucket: 'data-science', Key: 'shared/report.csv', Body: 'a,b\n1,2\n', ContentType: 'text/csv' }))
    const url = await getSignedUrl(alice, new GetObjectCommand({ Bucket: 'data-science', Key: 'shared/report.csv' }), { expiresIn: 60 })
    expect(url).toContain('X-Amz-Security-Token=')
    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv')
    expect(await response.text()).toBe('a,b\n1,2\n')
    const download = await getSignedUrl(
      alice,
      new GetObjectCommand({ Bucket: 'data-science', Key: 'shared/report.csv', ResponseContentDisposition: 'attachment; filename="r.csv"' }),
      { expiresIn: 60 },
    )
    expect((await fetch(download)).headers.get('content-disposition')).toBe('attachment; filename="r.csv"')
  })
})
