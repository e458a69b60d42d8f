import type { Context } from 'hono'

type HeaderRecord = Record<string, string | string[] | undefined>

interface NodeIncoming {
  url?: unknown
  headers?: HeaderRecord
  socket?: { remoteAddress?: string }
}

/** Under @hono/node-server, the IncomingMessage behind the request (`c.env.incoming`); undefined elsewhere. */
export function nodeIncoming(c: Context): NodeIncoming | undefined {
  return (c.env as { incoming?: NodeIncoming } | undefined)?.incoming
}

/**
 * The request's headers as a record of lower-case names. Under @hono/node-server, Node's own object: reading
 * `c.req.raw.headers` there would build a Headers object (and iterating it sorts it) on every request.
 */
export function headerRecord(c: Context): HeaderRecord {
  return nodeIncoming(c)?.headers ?? Object.fromEntries(c.req.raw.headers)
}
