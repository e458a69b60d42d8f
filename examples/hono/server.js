// @ts-check
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { stsMiddleware } from '@custom-token-sts/hono'
import { demoPort, demoSts, printBanner } from 'example-demo-setup'

const sts = demoSts()
const app = new Hono()

app.use(stsMiddleware(sts)) // or app.route('/sts', stsApp(sts))
app.get('/health', (c) => c.text('ok'))

const port = demoPort()
serve({ fetch: app.fetch, port }, () => printBanner(sts, port, 'Hono'))
