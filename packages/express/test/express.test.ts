import { createServer } from 'node:http'
import express5 from 'express'
import express4 from 'express4'
import { describe, expect, it } from 'vitest'
import { describeConformance, expectSuccess, overHttp } from '../../core/test/support/conformance.js'
import { fixtureSts, query, seedParams } from '../../core/test/support/fixture.js'
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

describe("Express's own trust proxy setting decides the client address", () => {
  for (const trust of [false, true]) {
    it(`with trust proxy ${trust}`, async () => {
      const app = express5()
      app.set('trust proxy', trust)
      app.use(stsMiddleware(fixtureSts()))
      const { base, close } = await listen(createServer(app))
      try {
        const response = await fetch(`${base}/${query(seedParams({ Token: 'whoami' }))}`, {
          method: 'POST',
          headers: { 'x-forwarded-for': '203.0.113.9' },
        })
        const { assumedUser } = await expectSuccess(response)
        expect(assumedUser).toMatch(trust ? /^custom:203\.0\.113\.9$/ : /^custom:(::ffff:)?127\.0\.0\.1$/)
      } finally {
        await close()
      }
    })
  }
})
