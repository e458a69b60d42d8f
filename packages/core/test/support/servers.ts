import { once } from 'node:events'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Listens on an ephemeral loopback port and returns the base URL and a closer. */
export async function listen(server: Server): Promise<{ base: string; close: () => Promise<void> }> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** What a host's echo route answers: the body as it read it, whether raw or parsed by a framework's parser. */
export function echoBody(contentType: string | undefined, body: unknown): { body: string } {
  if (typeof body === 'string') return { body }
  if (contentType?.startsWith('application/json')) return { body: JSON.stringify(body) }
  return { body: new URLSearchParams(body as Record<string, string>).toString() }
}

/** Where the host's body parser stands relative to the STS middleware. */
export type ParserPlacement = 'none' | 'before' | 'after'
export const PARSER_PLACEMENTS: ParserPlacement[] = ['none', 'before', 'after']
