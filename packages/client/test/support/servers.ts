import { type IncomingMessage, type RequestListener, type ServerResponse, createServer } from 'node:http'
import { type Identity, IdentityDenied, createSts } from '@custom-token-sts/core'
import { stsListener } from '@custom-token-sts/core/node'
import { listen } from '../../../core/test/support/servers.js'

export interface Recorded {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface TestServer {
  url: string
  requests: Recorded[]
  close(): Promise<void>
}

/** A loopback server that records every request (body included) and then hands it to `listener`. */
export async function startServer(listener: (req: IncomingMessage, res: ServerResponse, recorded: Recorded) => void) {
  const requests: Recorded[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() }
      requests.push(recorded)
      listener(req, res, recorded)
    })
  })
  const { base, close } = await listen(server)
  return { url: `${base}/`, requests, close } satisfies TestServer
}

/** The project's own STS endpoint on loopback; requests are counted (method, URL, headers), bodies left to it. */
export async function startOwnSts(options: { now?: () => number; identify?: (token: string) => Identity } = {}) {
  const sts = createSts({
    signingKey: 'test-signing-key-of-at-least-32-bytes!!',
    now: options.now,
    roles: [
      {
        id: 'test',
        identify: ({ token }) => {
          if (options.identify) return options.identify(token)
          if (token === 'boom') throw new Error('identity provider down')
          if (!token.startsWith('good')) throw new IdentityDenied('unknown token')
          return { user: 'alice', maxValiditySeconds: 3600, claims: { groups: ['a'] } }
        },
      },
    ],
  })
  const listener: RequestListener = stsListener(sts)
  const requests: Omit<Recorded, 'body'>[] = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    listener(req, res)
  })
  const { base, close } = await listen(server)
  return { sts, roleArn: sts.roleArns[0]!, url: `${base}/`, requests, close }
}
