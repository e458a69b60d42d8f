// @ts-check
/**
 * Child process: one HTTP server on 127.0.0.1: the STS endpoint, the same framework's hello world (a POST answered
 * with a fixed XML of the issuance answer's size), or the floor (floor.js) served by that framework's hello-world route.
 * Usage: server.js <framework> <sts|hello|floor> <size>.
 * Tells the parent its port over IPC.
 */
import { createServer } from 'node:http'
import { stsListener } from '@custom-token-sts/core/node'
import { stsMiddleware as expressSts } from '@custom-token-sts/express'
import { stsMiddleware as honoSts } from '@custom-token-sts/hono'
import { stsMiddleware as koaSts } from '@custom-token-sts/koa'
import { serve } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import Koa from 'koa'
import { benchSts, helloXml, issueOnce } from './fixture.js'
import { floorIssue } from './floor.js'

const [framework, variant, size] = process.argv.slice(2)
const hello = helloXml(Number(size))
const XML = 'application/xml'
// The floor over HTTP: what issuance could cost in this framework with no parsing, checks or store. It is the ceiling
// of the issuance row's ratio, measured in the same run.
const floorArn = /** @type {string} */ (benchSts().roleArns[0])
const floor = () => floorIssue(floorArn)

/** @returns {Promise<import('node:http').RequestListener>} */
async function listener() {
  const sts = variant === 'sts' ? benchSts() : undefined
  if (sts) await issueOnce(sts)
  switch (framework) {
    case 'node:http': {
      /** @param {import('node:http').ServerResponse} res @param {string} body */
      const send = (res, body) => {
        res.writeHead(200, { 'content-type': XML, 'content-length': Buffer.byteLength(body) })
        res.end(body)
      }
      if (sts) return stsListener(sts)
      if (variant === 'floor') return (_req, res) => void floor().then((xml) => send(res, xml))
      return (_req, res) => send(res, hello)
    }
    case 'express': {
      const app = express()
      if (sts) app.use(expressSts(sts))
      else if (variant === 'floor') app.post('/', (_req, res) => void floor().then((xml) => res.type(XML).send(xml)))
      else app.post('/', (_req, res) => void res.type(XML).send(hello))
      return app
    }
    case 'koa': {
      const app = new Koa()
      if (sts) app.use(koaSts(sts))
      else if (variant === 'floor')
        app.use(async (ctx) => {
          ctx.type = XML
          ctx.body = await floor()
        })
      else
        app.use((ctx) => {
          ctx.type = XML
          ctx.body = hello
        })
      return app.callback()
    }
    default:
      throw new Error(`unknown framework ${framework}`)
  }
}

/** @returns {Promise<import('node:net').AddressInfo>} */
async function listen() {
  if (framework === 'hono') {
    const app = new Hono()
    if (variant === 'sts') {
      const sts = benchSts()
      await issueOnce(sts)
      app.use(honoSts(sts))
    } else if (variant === 'floor') app.post('/', async (c) => c.body(await floor(), 200, { 'content-type': XML }))
    else app.post('/', (c) => c.body(hello, 200, { 'content-type': XML }))
    return new Promise((resolve) => {
      serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info))
    })
  }
  const server = createServer(await listener())
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  return /** @type {import('node:net').AddressInfo} */ (server.address())
}

const { port } = await listen()
process.send?.({ port })
process.on('disconnect', () => process.exit(0))
