import { createServer } from 'node:http'
import KoaRouter from '@koa/router'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import { describeAuthConformance, refusedMidBody, uploaded, whoami } from '../../core/test/support/auth-conformance.js'
import { listen } from '../../core/test/support/servers.js'
import { type S3State, requireCredentials } from '../src/index.js'

type KoaClass = typeof Koa3

for (const [version, Koa] of [['2', Koa2], ['3', Koa3]] as [string, KoaClass][]) {
  // At the root with app.use; under a prefix inside a @koa/router router.
  describeAuthConformance(`Koa ${version}`, async (sts, prefix) => {
    const app = new Koa()
    const router = new KoaRouter(prefix ? { prefix } : {})
    const guard = requireCredentials(sts) as unknown as Koa3.Middleware
    if (prefix) router.use(guard)
    else app.use(guard)
    router.get('/whoami', (ctx) => {
      ctx.body = whoami((ctx.state as S3State).s3)
    })
    router.put('/upload/:key', async (ctx) => {
      const { s3 } = ctx.state as S3State
      const chunks: Buffer[] = []
      try {
        for await (const chunk of s3.verifyBody(ctx.req)) chunks.push(Buffer.from(chunk))
      } catch (error) {
        const answer = refusedMidBody(error, { method: ctx.method, url: ctx.originalUrl })
        ctx.status = answer.status
        ctx.set(answer.headers)
        ctx.body = answer.body
        return
      }
      ctx.body = uploaded(Buffer.concat(chunks))
    })
    app.use(router.routes() as unknown as Koa3.Middleware)
    const { base, close } = await listen(createServer(app.callback()))
    return { base: base + prefix, send: (url, init) => fetch(url, init), close }
  })
}
