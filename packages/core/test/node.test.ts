import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { stsListener, toStsRequest, writeNodeResponse } from '../src/node.js'
import { describeConformance, expectError, expectSuccess, overHttp } from './support/conformance.js'
import { fixtureSts, query, seedParams } from './support/fixture.js'
import { listen, readAll } from './support/servers.js'

describeConformance('node:http with toStsRequest before the host handler', async (sts) => {
  const server = createServer((req, res) => {
    void (async () => {
      const request = await toStsRequest(req)
      if (request) return writeNodeResponse(res, await sts.handle(request))
      if (req.url === '/health') return res.end('ok')
      if (req.url === '/echo') return res.end(JSON.stringify({ body: await readAll(req) }))
      res.statusCode = 404
      res.end()
    })()
  })
  const { base, close } = await listen(server)
  return overHttp(base, '/', close)
})

describe('stsListener', () => {
  it('serves the endpoint on a bare node:http server and answers anything else with an STS error', async () => {
    const { base, close } = await listen(createServer(stsListener(fixtureSts())))
    try {
      await expectSuccess(await fetch(`${base}/${query(seedParams())}`, { method: 'POST' }))
      const form = new URLSearchParams(seedParams()).toString()
      await expectSuccess(
        await fetch(base, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      )
      await expectError(await fetch(`${base}/anything`, { method: 'POST' }), 400, 'MissingAction')
      await expectError(await fetch(`${base}/?Action=ListUsers`, { method: 'POST' }), 400, 'InvalidAction')
    } finally {
      await close()
    }
  })
})
