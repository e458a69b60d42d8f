import type { Sts } from '@custom-token-sts/core'
import { BODY_LIMIT, actionInBody, actionInQuery, bodyMayClaim } from '@custom-token-sts/core'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { headerRecord, nodeIncoming } from './node-incoming.js'
import { peekBody } from './peek-body.js'

export interface StsHonoOptions {
  /** The client's address; default: the socket's under @hono/node-server, otherwise unknown. */
  remoteAddress?: (c: Context) => string | undefined
}

/**
 * Hono middleware answering `Action=AssumeRoleWithCustomToken` requests; everything else goes on to the next handler
 * with its body still readable. Use it as `app.use(stsMiddleware(sts))` or `app.post('/sts', stsMiddleware(sts))`.
 */
export function stsMiddleware(sts: Sts, options: StsHonoOptions = {}): MiddlewareHandler {
  const remoteAddress = options.remoteAddress ?? nodeServerAddress
  return async function customTokenSts(c, next) {
    const url = c.req.url
    const headers = headerRecord(c)
    const contentType = firstValue(headers['content-type'])
    const byQuery = actionInQuery(url)
    if (!byQuery && !bodyMayClaim(contentType)) return next()
    const body = bodyMayClaim(contentType)
      ? await peekBody(c, BODY_LIMIT, (bytes) => byQuery || actionInBody(contentType, bytes))
      : undefined
    if (!byQuery && body === undefined) return next()
    const answer = await sts.handle({
      method: c.req.method,
      url,
      headers,
      body,
      remoteAddress: remoteAddress(c),
    })
    return c.body(answer.body, answer.status as 200, answer.headers)
  }
}

/** A sub-app to mount: `app.route('/sts', stsApp(sts))`. */
export function stsApp(sts: Sts, options: StsHonoOptions = {}): Hono {
  return new Hono().use('*', stsMiddleware(sts, options))
}

const nodeServerAddress = (c: Context) => nodeIncoming(c)?.socket?.remoteAddress
const firstValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)
export { requireCredentials, type S3Variables } from './require-credentials.js'
