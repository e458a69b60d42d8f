import type { Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import type { Sts } from '@custom-token-sts/core'
import { describeAuthConformance, refusedMidBody, uploaded, whoami } from '../../core/test/support/auth-conformance.js'
import { listen } from '../../core/test/support/servers.js'
import { type S3Variables, requireCredentials } from '../src/index.js'

// At the root with app.use; under a prefix as a sub-app mounted with app.route.
function hostApp(sts: Sts, prefix: string) {
  const routes = new Hono<{ Variables: S3Variables }>()
  routes.use(requireCredentials(sts))
  routes.get('/whoami', (c) => c.json(whoami(c.get('s3'))))
  routes.put('/upload/:key', async (c) => {
    const chunks: Buffer[] = []
    try {
      for await (const chunk of c.get('s3').verifyBody(c.req.raw.body ?? [])) chunks.push(Buffer.from(chunk))
    } catch (error) {
      const answer = refusedMidBody(error, { method: c.req.method, url: c.req.path })
      return c.body(answer.body, answer.status as 400, answer.headers)
    }
    return c.json(uploaded(Buffer.concat(chunks)))
  })
  return prefix ? new Hono().route(prefix, routes) : routes
}

describeAuthConformance('Hono app.request()', async (sts, prefix) => {
  const app = hostApp(sts, prefix)
  return { base: `http://localhost${prefix}`, send: async (url, init) => app.request(url, init), close: async () => {} }
})

describeAuthConformance('Hono on @hono/node-server', async (sts, prefix) => {
  const { base, close } = await listen(createAdaptorServer({ fetch: hostApp(sts, prefix).fetch }) as Server)
  return { base: base + prefix, send: (url, init) => fetch(url, init), close }
})
