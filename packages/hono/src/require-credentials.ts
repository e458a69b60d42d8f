import type { S3Authentication, Sts } from '@custom-token-sts/core'
import { s3ErrorResponse } from '@custom-token-sts/core'
import type { Context, MiddlewareHandler } from 'hono'
import { nodeIncoming } from './node-incoming.js'

/** The variable `requireCredentials` sets: `new Hono<{ Variables: S3Variables }>()`, then `c.get('s3')`. */
export interface S3Variables {
  s3: S3Authentication
}

/**
 * Hono middleware that lets through only requests signed (SigV4, header or presigned URL) with credentials this STS
 * issued, and sets `c.get('s3')`: `principal` (user, claims, role, policy) and `verifyBody`, through which the
 * handler reads the body (`for await (const chunk of c.get('s3').verifyBody(c.req.raw.body ?? []))`). The body is
 * left unread. Anything else gets S3's error XML with `x-amz-request-id`. The signature covers the path of
 * `c.req.url`, so it works in `app.use('/s3/*', ...)` and in sub-apps mounted with `app.route`.
 */
export function requireCredentials(sts: Pick<Sts, 'authenticate'>): MiddlewareHandler<{ Variables: S3Variables }> {
  return async function requireS3Credentials(c, next) {
    const url = new URL(c.req.url)
    const headers = Object.fromEntries(c.req.raw.headers)
    // A Request built by hand (app.request(), tests, some runtimes) has no Host header; its URL holds what was meant.
    headers.host ??= url.host
    // The client signed the target as it sent it; a URL object has normalised it (`a/../b`, some escapes). Under
    // @hono/node-server the raw one is at hand.
    const request = { method: c.req.method, url: rawTarget(c) ?? url.pathname + url.search, headers }
    let auth: S3Authentication
    try {
      auth = await sts.authenticate(request)
    } catch (error) {
      const answer = s3ErrorResponse(error, request)
      // An unread body would otherwise be drained after the answer: close instead of reading it.
      if (c.req.raw.body !== null && !c.req.raw.bodyUsed) answer.headers.connection = 'close'
      return c.body(answer.body, answer.status as 400, answer.headers)
    }
    c.set('s3', auth)
    await next()
  }
}

function rawTarget(c: Context): string | undefined {
  const target = nodeIncoming(c)?.url
  return typeof target === 'string' && target.startsWith('/') ? target : undefined
}
