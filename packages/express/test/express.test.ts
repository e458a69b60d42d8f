import { createServer } from 'node:http'
import express5 from 'express'
import express4 from 'express4'
import { describeConformance, overHttp } from '../../core/test/support/conformance.js'
import { PARSER_PLACEMENTS, type ParserPlacement, echoBody, listen, readAll } from '../../core/test/support/servers.js'
import type { Sts } from '@custom-token-sts/core'
import { stsMiddleware } from '../src/index.js'

type ExpressFactory = typeof express5

function hostApp(express: ExpressFactory, sts: Sts, prefix: string, parser: ParserPlacement) {
  const parsers = [express.urlencoded({ extended: false, limit: '1mb' }), express.json({ limit: '1mb' })]
  const app = express()
  if (parser === 'before') app.use(parsers)
  app.use(prefix, stsMiddleware(sts))
  app.get('/health', (_req, res) => {
    res.type('text/plain').send('ok')
  })
  app.post('/echo', ...(parser === 'after' ? parsers : []), async (req, res) => {
    const body = parser === 'none' ? await readAll(req) : req.body
    res.json(echoBody(req.headers['content-type'], body))
  })
  return app
}

for (const [version, express] of [['4', express4], ['5', express5]] as [string, ExpressFactory][]) {
  for (const prefix of ['/', '/sts']) {
    for (const parser of PARSER_PLACEMENTS) {
      describeConformance(`Express ${version}, mounted at ${prefix}, body parser ${parser}`, async (sts) => {
        const { base, close } = await listen(createServer(hostApp(express, sts, prefix, parser)))
        return overHttp(base, prefix, close)
      })
    }
  }
}
