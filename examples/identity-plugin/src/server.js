// @ts-check
/**
 * `pnpm start`: the example plugin on HOST:PORT (default 127.0.0.1:8081).
 *   PLUGIN_SECRET       required, at least 32 bytes: the HS256 secret tokens are signed with
 *   PLUGIN_AUTH_TOKEN   optional: the Authorization value callers must send (MINIO_IDENTITY_PLUGIN_AUTH_TOKEN)
 *   PLUGIN_MAX_VALIDITY_SECONDS  optional, default 3600
 * Then point MinIO or custom-token-sts at it: MINIO_IDENTITY_PLUGIN_URL=http://127.0.0.1:8081
 */
import { createPluginServer } from './plugin.js'

const port = Number(process.env.PORT ?? 8081)
const host = process.env.HOST ?? '127.0.0.1'
const secret = process.env.PLUGIN_SECRET
if (!secret) {
  console.error('PLUGIN_SECRET is required (at least 32 bytes)')
  process.exit(2)
}

let server
try {
  server = createPluginServer({
    secret,
    authToken: process.env.PLUGIN_AUTH_TOKEN || undefined,
    maxValiditySeconds: process.env.PLUGIN_MAX_VALIDITY_SECONDS ? Number(process.env.PLUGIN_MAX_VALIDITY_SECONDS) : undefined,
  })
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}
server.listen(port, host, () => {
  const address = server.address()
  const where = typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address)
  console.log(`identity plugin listening on http://${where}`)
})
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
