// @ts-check
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { demoSts } from 'example-demo-setup'
import { createGateway } from './gateway.js'
import { FolderStorage } from './storage.js'

// DATA_DIR: where buckets live (default: a fresh temporary folder). BUCKETS: the buckets, comma-separated.
// S3_REGION: the region clients sign for. PORT: default 9000, as MinIO. HOST: the address to listen on (default: all).
const env = process.env
const region = env.S3_REGION ?? 'us-east-1'
const root = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 's3-gateway-'))
const buckets = (env.BUCKETS ?? 'data-science,finance').split(',').map((b) => b.trim()).filter(Boolean)
const storage = await new FolderStorage(root, buckets).init()
const sts = demoSts(env, { s3: { region } })
const port = Number(env.PORT ?? 9000)

createGateway({ sts, storage, region }).listen(port, env.HOST, () => {
  console.log(`S3 gateway and STS endpoint listening on http://localhost:${port}/ (region ${region})`)
  console.log(`Buckets in ${root}: ${buckets.join(', ')}`)
  console.log(`RoleArn: ${sts.roleArns[0]}`)
  console.log(
    `Try: npx custom-token-sts assume --endpoint http://localhost:${port}/ --role-arn ${sts.roleArns[0]} --token aaa`,
  )
})
