import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Sts } from '@custom-token-sts/core'
import { toStsRequest, writeNodeResponse } from '@custom-token-sts/core/node'

// Structural types: they accept Express 4 and 5 requests alike, without tying the package to one @types/express.
type ExpressRequest = IncomingMessage & { originalUrl?: string; body?: unknown; ip?: string }
type Next = (error?: unknown) => void

/**
 * Express middleware answering `Action=AssumeRoleWithCustomToken` requests; everything else goes on to the next
 * handler with its body unread. Mount it at the root or under a prefix: `app.use('/sts', stsMiddleware(sts))`.
 */
export function stsMiddleware(sts: Sts): (req: ExpressRequest, res: ServerResponse, next: Next) => void {
  return function customTokenSts(req, res, next) {
    // req.ip follows the app's own `trust proxy` setting.
    toStsRequest(req, { url: req.originalUrl, parsedBody: req.body, remoteAddress: req.ip })
      .then(async (request) => {
        if (!request) return next()
        writeNodeResponse(res, await sts.handle(request))
      })
      .catch(next)
  }
}
export { requireCredentials, type S3Locals } from './require-credentials.js'
