// @ts-check
/**
 * Child process: issuance through `sts.handle()` against the floor (a), then SigV4 verification through
 * `sts.authenticate()` against one signature's recomputation (c). Sends its figures to the parent.
 */
import { createHash } from 'node:crypto'
import { benchSts, issueOnce, issueRequest } from './fixture.js'
import { SIGNED_HEADERS, floorIssue, sigV4Signature } from './floor.js'
import { interleaved, throughput } from './harness.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const ROUND_MS = 400

async function issuance() {
  const sts = benchSts()
  await issueOnce(sts)
  const request = issueRequest(sts)
  const roleArn = /** @type {string} */ (sts.roleArns[0])
  const handle = () => sts.handle(request)
  const floor = () => floorIssue(roleArn)
  return interleaved(ROUNDS, {
    floorSequential: () => throughput(floor, { ms: ROUND_MS }),
    handleSequential: () => throughput(handle, { ms: ROUND_MS }),
    floorConcurrent: () => throughput(floor, { ms: ROUND_MS, concurrency: 64 }),
    handleConcurrent: () => throughput(handle, { ms: ROUND_MS, concurrency: 64 }),
  })
}

async function verification() {
  const sts = benchSts()
  if (typeof sts.authenticate !== 'function') return undefined
  const credentials = await issueOnce(sts)
  const input = {
    method: 'GET',
    path: '/bench-bucket/objects/report.csv',
    host: '127.0.0.1:9000',
    amzDate: new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
    sessionToken: credentials.sessionToken,
    payloadHash: createHash('sha256').update('').digest('hex'),
    secretAccessKey: credentials.secretAccessKey,
    region: 'us-east-1',
  }
  const { scope, signature } = sigV4Signature(input)
  const request = {
    method: input.method,
    url: input.path,
    headers: {
      host: input.host,
      'x-amz-date': input.amzDate,
      'x-amz-content-sha256': input.payloadHash,
      'x-amz-security-token': input.sessionToken,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`,
    },
  }
  const authenticated = await sts.authenticate(request) // throws if the bench's signature were wrong
  if (authenticated.principal.accessKeyId !== credentials.accessKeyId) throw new Error('authenticate returned someone else')
  return interleaved(ROUNDS, {
    floor: () => throughput(() => sigV4Signature(input), { ms: ROUND_MS }),
    authenticate: () => throughput(() => sts.authenticate(request), { ms: ROUND_MS }),
  })
}

const which = process.argv[2]
const result = which === 'issuance' ? await issuance() : await verification()
process.send?.({ result: result ?? null })
