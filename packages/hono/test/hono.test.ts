import { createAdaptorServer } from '@hono/node-server'
import type { Server } from 'node:http'
import { Hono } from 'hono'
import type { Sts } from '@custom-token-sts/core'
import { describeConformance, overHttp } from '../../core/test/support/conformance.js'
import { listen } from '../../core/test/support/servers.js'
import { stsApp, stsMiddleware } from '../src/index.js'

type Mounting = 'app.use' | "app.route('/sts', stsApp)" | "app.post('/sts', stsMiddleware)"
type Reader = 'none' | 'host reads the body before'

const prefixOf = (mounting: Mounting) => (mounting === 'app.use' ? '/' : '/sts')

function hostApp(sts: Sts, mounting: Mounting, reader: Reader) {
  const app = new Hono()
  if (reader === 'host reads the body before') {
    app.use(async (c, next) => {
      if (c.req.method === 'POST') await c.req.text()
      await next()
    })
  }
  if (mounting === 'app.use') app.use(stsMiddleware(sts))
  else if (mounting === "app.route('/sts', stsApp)") app.route('/sts', stsApp(sts))
  else app.on(['GET', 'POST'], ['/sts', '/sts/'], stsMiddleware(sts))
  app.get('/health', (c) => c.text('ok'))
  app.post('/echo', async (c) => c.json({ body: await c.req.text() }))
  return app
}

const mountings: Mounting[] = ['app.use', "app.route('/sts', stsApp)", "app.post('/sts', stsMiddleware)"]
for (const mounting of mountings) {
  for (const reader of ['none', 'host reads the body before'] as Reader[]) {
    describeConformance(`Hono app.request(), ${mounting}, ${reader}`, async (sts) => {
      const app = hostApp(sts, mounting, reader)
      const prefix = prefixOf(mounting)
      return {
        sts: async (path, init) => app.request(`${prefix}${prefix.endsWith('/') && path.startsWith('/') ? path.slice(1) : path}`, init),
        host: async (path, init) => app.request(path, init),
        close: async () => {},
        overSocket: false,
      }
    })

    describeConformance(`Hono on @hono/node-server, ${mounting}, ${reader}`, async (sts) => {
      const app = hostApp(sts, mounting, reader)
      const { base, close } = await listen(createAdaptorServer({ fetch: app.fetch }) as Server)
      return overHttp(base, prefixOf(mounting), close)
    })
  }
}
