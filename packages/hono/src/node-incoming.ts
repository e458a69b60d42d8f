import type { Context } from 'hono'

/** Under @hono/node-server, the IncomingMessage behind the request (`c.env.incoming`); undefined elsewhere. */
export function nodeIncoming(c: Context): { url?: unknown; socket?: { remoteAddress?: string } } | undefined {
  const env = c.env as { incoming?: { url?: unknown; socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming
}
