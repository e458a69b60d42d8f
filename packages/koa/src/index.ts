import type { IncomingMessage } from 'node:http'
import type { Sts } from '@custom-token-sts/core'
import { toStsRequest } from '@custom-token-sts/core/node'

// Structural type: it accepts Koa 2 and 3 contexts, with or without a body parser's `request.body`.
interface KoaContext {
  req: IncomingMessage
  originalUrl: string
  ip: string
  request: { body?: unknown }
  status: number
  body: unknown
  set(headers: Record<string, string>): void
}

/**
 * Koa middleware answering `Action=AssumeRoleWithCustomToken` requests; everything else goes on downstream with its
 * body unread. Works as `app.use(...)` and inside @koa/router or koa-router routes and prefixes.
 */
export function stsMiddleware(sts: Sts): (ctx: KoaContext, next: () => Promise<unknown>) => Promise<void> {
  return async function customTokenSts(ctx, next) {
    // ctx.ip follows the app's own `proxy` setting.
    const request = await toStsRequest(ctx.req, { url: ctx.originalUrl, parsedBody: ctx.request.body, remoteAddress: ctx.ip })
    if (!request) {
      await next()
      return
    }
    const answer = await sts.handle(request)
    ctx.status = answer.status
    ctx.set(answer.headers) // before the body, so Koa keeps our Content-Type
    ctx.body = answer.body
  }
}
export { requireCredentials, type S3State } from './require-credentials.js'
