/**
 * `custom-token-sts serve`: the STS endpoint as a standalone server on node:http, in front of a MinIO identity plugin,
 * configured the way MinIO is. stdout: the role ARN and address at start-up, then one JSON line per STS request.
 * stderr: configuration errors and the error hook's reports (name, code and message; no stack, no token).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigurationError, createSts, minioPluginRole, type Sts, type StsEvent } from '@custom-token-sts/core'
import { stsListener } from '@custom-token-sts/core/node'
import { type ServeConfig, ServeConfigError, USAGE, parseServeConfig } from './serve-config.js'

/** How long in-flight requests get after SIGTERM/SIGINT; the identity plugin's own deadline is 5 s. */
const SHUTDOWN_GRACE_MS = 10_000

/**
 * Runs until SIGTERM or SIGINT, then resolves 0 once in-flight requests are answered. Resolves 2 at once for a bad
 * configuration, 1 when the address cannot be bound. `argv` are the arguments after `serve`.
 */
export async function serve(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: ServeConfig
  let sts: Sts
  try {
    const parsed = parseServeConfig(argv, env)
    if ('help' in parsed) {
      process.stdout.write(`${USAGE}\n`)
      return 0
    }
    config = parsed
    sts = createSts({
      signingKey: config.signingKey,
      region: config.region,
      roles: [
        minioPluginRole({
          url: config.pluginUrl,
          authToken: config.pluginAuthToken,
          roleId: config.roleId,
          rolePolicy: config.rolePolicy,
        }),
      ],
      onEvent: logEvent,
      onError: logError,
    })
  } catch (error) {
    if (error instanceof ServeConfigError || error instanceof ConfigurationError) {
      process.stderr.write(`custom-token-sts serve: ${error.message}\n`)
      return 2
    }
    throw error
  }

  const answerSts = stsListener(sts)
  const server = http.createServer((req, res) => {
    // Ahead of the STS listener, which would answer anything else as an STS request.
    if ((req.method === 'GET' || req.method === 'HEAD') && (req.url === '/health' || req.url?.startsWith('/health?'))) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(req.method === 'HEAD' ? undefined : '{"status":"ok"}')
      return
    }
    answerSts(req, res)
  })

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.address, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    process.stderr.write(`custom-token-sts serve: cannot listen on ${config.address}:${config.port} (${code})\n`)
    return 1
  }

  const { address, port } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  process.stdout.write(`Role ARN: ${sts.roleArns[0]}\n`)
  process.stdout.write(`STS endpoint listening on http://${host}:${port}\n`)

  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      // Stops accepting and closes idle keep-alive connections; busy ones close once their answer is written.
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref()
      server.close(() => {
        clearTimeout(force)
        resolve(0)
      })
      server.closeIdleConnections()
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
}

function logEvent(event: StsEvent): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`)
}

/** The error hook gets identity plugin failures and the unexpected; their messages hold no token (the core's rule). */
function logError(error: unknown, context: { requestId: string }): void {
  const e = error instanceof Error ? error : new Error(String(error))
  const code = (e as { code?: unknown }).code
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', requestId: context.requestId, error: e.name, ...(typeof code === 'string' ? { code } : {}), message: e.message })}\n`,
  )
}
