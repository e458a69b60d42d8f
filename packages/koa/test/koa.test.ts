import { createServer } from 'node:http'
import KoaBodyParserModern from '@koa/bodyparser'
import KoaRouter from '@koa/router'
import Koa3 from 'koa'
import Koa2 from 'koa2'
import koaBodyParser from 'koa-bodyparser'
import LegacyRouter from 'koa-router'
import type { Sts } from '@custom-token-sts/core'
import { describeConformance, overHttp } from '../../core/test/support/conformance.js'
import { echoBody, listen, readAll } from '../../core/test/support/servers.js'
import { stsMiddleware } from '../src/index.js'

type KoaClass = typeof Koa3
type Mounting = 'app.use' | '@koa/router prefix' | 'koa-router prefix'
type Parser = 'none' | 'koa-bodyparser before' | '@koa/bodyparser before'

function bodyParser(parser: Parser) {
  if (parser === 'koa-bodyparser before') return koaBodyParser({ formLimit: '1mb', jsonLimit: '1mb' })
  return KoaBodyParserModern({ formLimit: '1mb', jsonLimit: '1mb', enableTypes: ['json', 'form'] })
}

function hostApp(Koa: KoaClass, sts: Sts, mounting: Mounting, parser: Parser) {
  const app = new Koa()
  if (parser !== 'none') app.use(bodyParser(parser) as Koa3.Middleware)
  const middleware = stsMiddleware(sts) as unknown as Koa3.Middleware
  if (mounting === 'app.use') app.use(middleware)
  else {
    const Router = (mounting === '@koa/router prefix' ? KoaRouter : LegacyRouter) as unknown as typeof KoaRouter
    const router = new Router({ prefix: '/sts' })
    router.post('/', middleware)
    router.get('/', middleware)
    app.use(router.routes() as unknown as Koa3.Middleware)
  }
  app.use(async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/health') {
      ctx.type = 'text/plain'
      ctx.body = 'ok'
    } else if (ctx.method === 'POST' && ctx.path === '/echo') {
      const parsed = (ctx.request as { body?: unknown }).body
      ctx.body = echoBody(ctx.get('content-type'), parser === 'none' ? await readAll(ctx.req) : parsed)
    }
  })
  return app
}

for (const [version, Koa] of [['2', Koa2], ['3', Koa3]] as [string, KoaClass][]) {
  for (const mounting of ['app.use', '@koa/router prefix', 'koa-router prefix'] as Mounting[]) {
    for (const parser of ['none', 'koa-bodyparser before', '@koa/bodyparser before'] as Parser[]) {
      describeConformance(`Koa ${version}, ${mounting}, body parser ${parser}`, async (sts) => {
        const { base, close } = await listen(createServer(hostApp(Koa, sts, mounting, parser).callback()))
        return overHttp(base, mounting === 'app.use' ? '/' : '/sts', close)
      })
    }
  }
}
