import type { IncomingMessage, ServerResponse } from 'node:http'
import type { S3Authentication, Sts } from '@custom-token-sts/core'
import { s3ErrorResponse } from '@custom-token-sts/core'
import { hasUnreadBody } from '@custom-token-sts/core/node'

// Structural types: they accept Express 4 and 5 requests and responses alike.
type ExpressRequest = IncomingMessage & { originalUrl?: string }
type ExpressResponse = ServerResponse & { locals: Record<string, unknown> }
type Next = (error?: unknown) => void

/** What `requireCredentials` leaves for the host's handlers: `res.locals.s3`. */
export interface S3Locals {
  s3: S3Authentication
}

/**
 * Express middleware that lets through only requests signed (SigV4, header or presigned URL) with credentials this
 * STS issued, and puts the result in `res.locals.s3`: `principal` (user, claims, role, policy) and `verifyBody`,
 * through which the handler reads the body (`for await (const chunk of res.locals.s3.verifyBody(req))`). The body
 * is left unread. Anything else gets S3's error XML with `x-amz-request-id`.
 * Mount it at the root or under a prefix: the signature covers `req.originalUrl`, prefix included.
 */
export function requireCredentials(sts: Pick<Sts, 'authenticate'>): (req: ExpressRequest, res: ExpressResponse, next: Next) => void {
  return function requireS3Credentials(req, res, next) {
    const request = { method: req.method ?? 'GET', url: req.originalUrl ?? req.url ?? '/', headers: req.headers }
    sts.authenticate(request).then(
      (auth) => {
        res.locals.s3 = auth
        next()
      },
      (error: unknown) => {
        const answer = s3ErrorResponse(error, request)
        // An unread body would otherwise be drained by Node after the answer: close instead of reading it.
        if (hasUnreadBody(req)) answer.headers.connection = 'close'
        res.writeHead(answer.status, answer.headers)
        res.end(answer.body)
      },
    )
  }
}
