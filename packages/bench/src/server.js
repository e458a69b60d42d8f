// @ts-check
/**
 * Child process: one HTTP server on 127.0.0.1, either the STS endpoint or the same framework's hello world (a POST
 * answered with a fixed XML of the issuance answer's size), or for node:http the floor served over HTTP.
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
      if (variant === 'floor') {
        // The in-process floor served over HTTP: what issuance could cost here with no parsing, checks or store.
        const roleArn = /** @type {string} */ (benchSts().roleArns[0])
        return (_req, res) => void floorIssue(roleArn).then((xml) => send(res, xml))
      }
      return (_req, res) => send(res, hello)
    }
    case 'express': {
      const app = express()
      if (sts) app.use(expressSts(sts))
      else app.post('/', (_req, res) => void res.type(XML).send(hello))
      return app
    }
    case 'koa': {
      const app = new Koa()
      if (sts) app.use(koaSts(sts))
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
    } else app.post('/', (c) => c.body(hello, 200, { 'content-type': XML }))
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
