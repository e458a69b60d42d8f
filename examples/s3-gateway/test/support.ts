import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { S3Client } from '@aws-sdk/client-s3'
import { fromCustomToken } from '@custom-token-sts/client'
import { demoSts } from 'example-demo-setup'
import { createGateway } from '../gateway.js'
import { FolderStorage } from '../storage.js'

export const ROLE_ARN = 'arn:minio:iam:::role/idmp-vGxBdLkOc8mQPU1-UQbBh-yWWVQ'

/** Alice may use data-science (through her groups), Bob finance (through `buckets`). */
export const DEMO_TOKENS = {
  aaa: { user: 'Alice', maxValiditySeconds: 3600, claims: { groups: ['data-science'] } },
  bbb: { user: 'Bob', maxValiditySeconds: 3600, claims: { buckets: ['finance'] } },
}

/** The gateway in this process on a loopback port, with a clock the test moves (`gateway.offsetMs`). */
export async function startGateway() {
  const root = mkdtempSync(join(tmpdir(), 's3-gateway-test-'))
  const storage = await new FolderStorage(root, ['data-science', 'finance']).init()
  const state = { offsetMs: 0 }
  const sts = demoSts(
    { DEMO_TOKENS: JSON.stringify(DEMO_TOKENS), STS_SIGNING_KEY: 'a test signing key of 32 bytes or more' },
    { now: () => Date.now() + state.offsetMs, onEvent: () => {} },
  )
  const server = createServer(createGateway({ sts, storage }))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sts,
    storage,
    root,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          rmSync(root, { recursive: true, force: true })
          resolve()
        })
      }),
  }
}

export type Gateway = Awaited<ReturnType<typeof startGateway>>

const ERROR = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>([A-Za-z0-9]+)<\/Code><Message>[^<]*<\/Message><Resource>[^<]*<\/Resource><RequestId>([0-9A-F]{16})<\/RequestId><\/Error>$/

/** S3's error document, its status, and the x-amz-request-id that matches its RequestId. */
export async function s3Error(response: Response): Promise<{ status: number; code: string; connection: string | null }> {
  const text = await response.text()
  const match = ERROR.exec(text)
  if (!match) throw new Error(`not an S3 error document (${response.status}): ${text}`)
  if (response.headers.get('x-amz-request-id') !== match[2]) throw new Error('x-amz-request-id does not match RequestId')
  return { status: response.status, code: match[1]!, connection: response.headers.get('connection') }
}

/**
 * An S3 client of the gateway with credentials from its STS endpoint, with the SDK's defaults otherwise: stream
 * bodies go as STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer, buffers with a signed SHA-256.
 */
export function s3Client(endpoint: string, token: string, extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: fromCustomToken({ endpoint, token, roleArn: ROLE_ARN }),
    ...extra,
  })
}
