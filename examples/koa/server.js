// @ts-check
import Router from '@koa/router'
import Koa from 'koa'
import { stsMiddleware } from '@custom-token-sts/koa'
import { demoPort, demoSts, printBanner } from 'example-demo-setup'

const sts = demoSts()
const app = new Koa()
const router = new Router()

router.get('/health', (ctx) => {
  ctx.body = 'ok'
})
app.use(stsMiddleware(sts)) // or router.post('/sts', stsMiddleware(sts))
app.use(router.routes())

const port = demoPort()
app.listen(port, () => printBanner(sts, port, 'Koa'))
