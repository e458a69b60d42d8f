import { createServer } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import type { Server } from 'node:http'
import express from 'express'
import { Hono } from 'hono'
import Koa from 'koa'
import type { Sts } from '@custom-token-sts/core'
import { stsMiddleware as expressSts } from '@custom-token-sts/express'
import { stsMiddleware as honoSts } from '@custom-token-sts/hono'
import { stsMiddleware as koaSts } from '@custom-token-sts/koa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtureSts, SEED_ROLE_ARN } from '../../core/test/support/fixture.js'
import { listen } from '../../core/test/support/servers.js'
import { StsServiceError, assumeRoleWithCustomToken, fromCustomToken } from '../src/index.js'

/** The client against the endpoint as each adapter serves it, mounted under a prefix beside a host route. */
const servers: Record<string, (sts: Sts) => Server> = {
  Express: (sts) => createServer(express().use('/sts', expressSts(sts))),
  Koa: (sts) => createServer(new Koa().use(koaSts(sts)).callback()),
  Hono: (sts) => createAdaptorServer({ fetch: new Hono().use(honoSts(sts)).fetch }) as Server,
}

for (const [framework, build] of Object.entries(servers)) {
  describe(`the client against the ${framework} adapter`, () => {
    const sts = fixtureSts()
    let endpoint: string
    let close: () => Promise<void>
    beforeAll(async () => {
      const server = await listen(build(sts))
      endpoint = framework === 'Express' ? `${server.base}/sts` : server.base
      close = server.close
    })
    afterAll(() => close())

    for (const style of ['query', 'form'] as const) {
      it(`obtains credentials the server vouches for (${style} style)`, async () => {
        const { credentials, assumedUser } = await assumeRoleWithCustomToken({ endpoint, token: 'aaa', roleArn: SEED_ROLE_ARN, style })
        expect(assumedUser).toBe('custom:Alice')
        const verified = await sts.verify(credentials.accessKeyId, credentials.sessionToken)
        expect(verified.expiration.getTime()).toBe(credentials.expiration.getTime())
      })

      it(`gets the typed denial (${style} style)`, async () => {
        const error = await assumeRoleWithCustomToken({ endpoint, token: 'deny', roleArn: SEED_ROLE_ARN, style }).catch((e) => e)
        expect(error).toBeInstanceOf(StsServiceError)
        expect(error).toMatchObject({ status: 403, stsCode: 'AccessDenied' })
      })
    }

    it('serves a provider that caches', async () => {
      const provider = fromCustomToken({ endpoint, token: 'aaa', roleArn: SEED_ROLE_ARN, style: 'form' })
      const [a, b] = await Promise.all([provider(), provider()])
      expect(a.accessKeyId).toBe(b.accessKeyId)
      expect((await provider()).accessKeyId).toBe(a.accessKeyId)
    })
  })
}
