/**
 * Helpers for hosts built on node:http (Express and Koa among them): turn an IncomingMessage into the core's request
 * without taking it from the host, and write the core's answer back.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { actionInBody, actionInQuery, bodyMayClaim } from './claim.js'
import { readNodeBody, bodyWasConsumed } from './node-body.js'
import { BODY_LIMIT, type ParsedBody } from './parameters.js'
import type { Sts, StsRequest, StsResponse } from './sts.js'

export interface NodeRequestContext {
  /** The request target as the client sent it (Express `req.originalUrl`, Koa `ctx.originalUrl`). Default `req.url`. */
  url?: string
  /** What a body parser placed earlier made of the body (`req.body`, `ctx.request.body`); used when the stream is consumed. */
  parsedBody?: unknown
  /** The client's address as the framework reports it (Express `req.ip`, Koa `ctx.ip`). Default: the socket's. */
  remoteAddress?: string
}

/**
 * The core's request for `req` if it names the STS action, otherwise undefined, in which case the body is still
 * unread for the host (any bytes looked at were given back).
 */
export async function toStsRequest(req: IncomingMessage, context: NodeRequestContext = {}): Promise<StsRequest | undefined> {
  const url = context.url ?? req.url ?? '/'
  const contentType = req.headers['content-type']
  const base = {
    method: req.method ?? 'GET',
    url,
    headers: req.headers,
    remoteAddress: context.remoteAddress ?? req.socket.remoteAddress,
  }
  const byQuery = actionInQuery(url)
  if (!byQuery && !bodyMayClaim(contentType)) return undefined

  if (bodyWasConsumed(req)) {
    const body = normaliseParsedBody(context.parsedBody)
    return byQuery || actionInBody(contentType, body) ? { ...base, body } : undefined
  }
  if (!bodyMayClaim(contentType)) return base
  const body = await readNodeBody(req, BODY_LIMIT, (bytes) => byQuery || actionInBody(contentType, bytes))
  return body === undefined ? undefined : { ...base, body }
}

function normaliseParsedBody(parsed: unknown): StsRequest['body'] {
  if (typeof parsed === 'string' || parsed instanceof Uint8Array) return parsed
  if (typeof parsed === 'object' && parsed !== null) return parsed as ParsedBody
  return undefined
}

export function writeNodeResponse(res: ServerResponse, answer: StsResponse): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) })
  res.end(answer.body)
}

/**
 * A node:http listener that answers every request with the STS endpoint: `http.createServer(stsListener(sts))`.
 * Requests that do not name the action get the STS error for a missing or wrong Action.
 */
export function stsListener(sts: Sts): RequestListener {
  return (req, res) => {
    void (async () => {
      const request = (await toStsRequest(req)) ?? (await wholeRequest(req))
      writeNodeResponse(res, await sts.handle(request))
    })().catch((error: unknown) => {
      // handle() does not throw; this is a broken socket. Nothing useful can be sent.
      res.destroy(error instanceof Error ? error : undefined)
    })
  }
}

async function wholeRequest(req: IncomingMessage): Promise<StsRequest> {
  const body = await readNodeBody(req, BODY_LIMIT, () => true)
  return { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, remoteAddress: req.socket.remoteAddress, body }
}

export { readNodeBody, hasUnreadBody } from './node-body.js'
