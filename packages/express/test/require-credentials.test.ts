import { createServer } from 'node:http'
import express5 from 'express'
import express4 from 'express4'
import { describeAuthConformance, refusedMidBody, uploaded, whoami } from '../../core/test/support/auth-conformance.js'
import { listen } from '../../core/test/support/servers.js'
import { type S3Locals, requireCredentials } from '../src/index.js'

type ExpressFactory = typeof express5

for (const [version, express] of [['4', express4], ['5', express5]] as [string, ExpressFactory][]) {
  describeAuthConformance(`Express ${version}`, async (sts, prefix) => {
    const app = express()
    const routes = express.Router()
    routes.get('/whoami', (_req, res) => {
      res.json(whoami((res.locals as S3Locals).s3))
    })
    routes.put(/^\/upload\/.+/, async (req, res) => {
      const { s3 } = res.locals as S3Locals
      const chunks: Buffer[] = []
      try {
        for await (const chunk of s3.verifyBody(req)) chunks.push(Buffer.from(chunk))
      } catch (error) {
        const answer = refusedMidBody(error, { method: req.method, url: req.originalUrl })
        res.writeHead(answer.status, answer.headers).end(answer.body)
        return
      }
      res.json(uploaded(Buffer.concat(chunks)))
    })
    if (prefix) app.use(prefix, requireCredentials(sts), routes)
    else app.use(requireCredentials(sts), routes)
    const { base, close } = await listen(createServer(app))
    return { base: base + prefix, send: (url, init) => fetch(url, init), close }
  })
}
