import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromCustomToken } from '../src/index.js'
import { type TestServer, startOwnSts, startServer } from './support/servers.js'

// The signature-checking S3 service is another issue; this loopback server only records what the SDK sends.
describe('@aws-sdk/client-s3 with fromCustomToken', () => {
  let sts: Awaited<ReturnType<typeof startOwnSts>>
  let s3: TestServer
  beforeAll(async () => {
    sts = await startOwnSts()
    s3 = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' })
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>',
      )
    })
  })
  afterAll(async () => {
    await sts.close()
    await s3.close()
  })

  it('signs S3 requests with the issued credentials, fetched once for many requests', async () => {
    const credentials = fromCustomToken({ endpoint: sts.url, token: 'good-for-s3', roleArn: sts.roleArn })
    const before = sts.requests.length
    const client = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials })
    try {
      await Promise.all(Array.from({ length: 10 }, () => client.send(new ListBucketsCommand({}))))
    } finally {
      client.destroy()
    }
    expect(sts.requests.length - before).toBe(1)
    const issued = await credentials()
    // The provider's cache hands back what the SDK used; the server vouches that it issued exactly this pair.
    await expect(sts.sts.verify(issued.accessKeyId, issued.sessionToken)).resolves.toMatchObject({ user: 'alice' })
    expect(s3.requests).toHaveLength(10)
    for (const request of s3.requests) {
      expect(request.headers['x-amz-security-token']).toBe(issued.sessionToken)
      const authorization = String(request.headers.authorization)
      expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/)
      expect(authorization).toContain(`Credential=${issued.accessKeyId}/`)
    }
  })
})
