import type { IncomingMessage } from 'node:http'
import type { S3Authentication, Sts } from '@custom-token-sts/core'
import { s3ErrorResponse } from '@custom-token-sts/core'
import { hasUnreadBody } from '@custom-token-sts/core/node'

// Structural type: it accepts Koa 2 and 3 contexts.
interface KoaContext {
  req: IncomingMessage
  method: string
  originalUrl: string
  state: Record<string, unknown>
  status: number
  body: unknown
  set(headers: Record<string, string>): void
}

/** What `requireCredentials` leaves for downstream middleware: `ctx.state.s3`. */
export interface S3State {
  s3: S3Authentication
}

/**
 * Koa middleware that lets through only requests signed (SigV4, header or presigned URL) with credentials this STS
 * issued, and puts the result in `ctx.state.s3`: `principal` (user, claims, role, policy) and `verifyBody`, through
 * which downstream reads the body (`for await (const chunk of ctx.state.s3.verifyBody(ctx.req))`). The body is left
 * unread. Anything else gets S3's error XML with `x-amz-request-id`. Works in `app.use` and router prefixes: the
 * signature covers `ctx.originalUrl`, prefix included.
 */
export function requireCredentials(sts: Pick<Sts, 'authenticate'>): (ctx: KoaContext, next: () => Promise<unknown>) => Promise<void> {
  return async function requireS3Credentials(ctx, next) {
    const request = { method: ctx.method, url: ctx.originalUrl, headers: ctx.req.headers }
    let auth: S3Authentication
    try {
      auth = await sts.authenticate(request)
    } catch (error) {
      const answer = s3ErrorResponse(error, request)
      // An unread body would otherwise be drained by Node after the answer: close instead of reading it.
      if (hasUnreadBody(ctx.req)) answer.headers.connection = 'close'
      ctx.status = answer.status
      ctx.set(answer.headers) // before the body, so Koa keeps our Content-Type
      ctx.body = answer.body
      return
    }
    ctx.state.s3 = auth
    await next()
  }
}
