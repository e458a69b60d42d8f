/**
 * One suite for `requireCredentials` in every framework (Express 4/5, Koa 2/3, Hono 4), each mounted at the root and
 * under a prefix: requests signed by the AWS SDK's signer (@smithy/signature-v4) with credentials the STS issued
 * reach the host's handler with the principal, and every refusal is S3's error XML. The host's handlers are the
 * framework's own code (see each adapter's test): they read the principal in the framework's idiom and the body
 * through `verifyBody`.
 */
import { HttpRequest } from '@smithy/protocol-http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type S3Authentication, type Sts, s3ErrorResponse } from '../../src/index.js'
import { type Credentials, T0, appSts, issue, sha256, signer } from './s3-signing.js'
import { awsChunkedBody, awsChunkedLength } from '../aws-chunked-signer.js'

/** The host's routes under the mount prefix, as each framework's test implements them. */
export interface AuthHost {
  /** Base URL of the protected routes, the prefix included and no trailing slash: `http://127.0.0.1:1234/s3`. */
  base: string
  /** Sends a request (over HTTP with fetch, or in-process for Hono's app.request). */
  send(url: string, init: RequestInit): Promise<Response>
  close(): Promise<void>
}

/**
 * Mounts `requireCredentials(sts)` at `prefix` ('' or '/s3') in front of two host routes:
 * `GET <prefix>/whoami` answers `whoami(auth)`, `PUT <prefix>/upload/<key>` reads the body through
 * `auth.verifyBody` and answers `uploaded(bytes)`, or `refusedMidBody(error, ...)` when the body fails.
 */
export type AuthMount = (sts: Sts, prefix: string) => Promise<AuthHost>

export const whoami = (auth: S3Authentication) => ({
  user: auth.principal.user,
  accessKeyId: auth.principal.accessKeyId,
  team: auth.principal.claims.team,
  policy: auth.principal.policy,
  via: auth.via,
  payload: auth.payload,
})


export const uploaded = (body: Buffer) => ({ length: body.length, sha256: sha256(body) })

/** What a host answers when the body fails verification part way: S3's error, and the connection closed. */
export function refusedMidBody(error: unknown, request: { method: string; url: string }) {
  const answer = s3ErrorResponse(error, request)
  return { ...answer, headers: { ...answer.headers, connection: 'close' } }
}



const ERROR = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>([A-Za-z0-9]+)<\/Code><Message>[^<]*<\/Message><Resource>([^<]*)<\/Resource><RequestId>([0-9A-F]{16})<\/RequestId><\/Error>$/

async function expectS3Error(response: Response, status: number, code: string, resource?: string) {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  expect(response.headers.get('content-type')).toBe('application/xml')
  const match = ERROR.exec(text)
  expect(match, text).not.toBeNull()
  expect(match![1]).toBe(code)
  if (resource !== undefined) expect(match![2]).toBe(resource)
  expect(response.headers.get('x-amz-request-id')).toBe(match![3])
  return response
}

export function describeAuthConformance(name: string, mount: AuthMount) {
  for (const prefix of ['', '/s3']) {
    describe(`requireCredentials: ${name}, mounted at ${prefix || '/'}`, () => {
      let clock = T0
      let sts: Sts
      let host: AuthHost
      const s = { sts: undefined as unknown as Sts }

      beforeAll(async () => {
        // The host holds a proxy so that each test gets a fresh STS (and clock) without remounting.
        host = await mount({ authenticate: (request) => s.sts.authenticate(request) } as Sts, prefix)
      })
      afterAll(async () => {
        await host?.close()
      })
      beforeEach(() => {
        clock = T0
        sts = appSts(() => clock)
        s.sts = sts
      })



      function smithyRequest(method: string, path: string, headers: Record<string, string>, body?: Buffer) {
        const url = new URL(host.base + path)
        return new HttpRequest({
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port ? Number(url.port) : undefined,
          path: url.pathname,
          headers: { host: url.host, ...headers },
          body,
        })
      }

      /** Signs with the SDK's signer and sends; `tamper` may change the signed headers first. */
      async function signed(
        credentials: Credentials,
        method: string,
        path: string,
        o: { headers?: Record<string, string>; body?: Buffer; tamper?: (h: Record<string, string>) => void } = {},
      ) {
        const request = await signer(credentials).sign(
          smithyRequest(method, path, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...o.headers }, o.body),
          { signingDate: new Date(clock) },
        )
        const { host: _, ...headers } = request.headers as Record<string, string>
        o.tamper?.(headers)
        return host.send(host.base + path, { method, headers, body: o.body })
      }

      it("hands the principal to the host's handler, in the framework's idiom", async () => {
        const creds = await issue(sts, 'alice')
        const response = await signed(creds, 'GET', '/whoami')
        expect(response.status, await response.clone().text()).toBe(200)
        expect(await response.json()).toEqual({
          user: 'alice',
          accessKeyId: creds.accessKeyId,
          team: 'team-alice',
          policy: { buckets: ['photos'] },
          via: 'header',
          payload: 'unsigned',
        })
      })

      it('accepts a presigned URL', async () => {
        const creds = await issue(sts, 'bob')
        const presigned = await signer(creds).presign(smithyRequest('GET', '/whoami', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), {
          expiresIn: 60,
          signingDate: new Date(clock),
        })
        const url = new URL(host.base + '/whoami')
        for (const [k, v] of Object.entries(presigned.query as Record<string, string>)) url.searchParams.set(k, v)
        const response = await host.send(url.href, { method: 'GET' })
        expect(response.status, await response.clone().text()).toBe(200)
        expect(await response.json()).toMatchObject({ user: 'bob', via: 'query' })
        clock += 61_000
        await expectS3Error(await host.send(url.href, { method: 'GET' }), 403, 'AccessDenied', `${prefix}/whoami`)
      })

      it('answers an anonymous request with AccessDenied, without a body for HEAD', async () => {
        await expectS3Error(await host.send(`${host.base}/whoami`, { method: 'GET' }), 403, 'AccessDenied', `${prefix}/whoami`)
        const head = await host.send(`${host.base}/whoami`, { method: 'HEAD' })
        expect(head.status).toBe(403)
        expect(head.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/)
        expect(await head.text()).toBe('')
      })

      it('answers a tampered signature with SignatureDoesNotMatch', async () => {
        const creds = await issue(sts, 'alice')
        const response = await signed(creds, 'GET', '/whoami', {
          tamper: (h) => {
            h.authorization = h.authorization!.replace(/Signature=(.)/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`)
          },
        })
        await expectS3Error(response, 403, 'SignatureDoesNotMatch')
      })

      it('checks the path as the client sent it, mount prefix included', async () => {
        const creds = await issue(sts, 'alice')
        // Signed for another path than the one requested: what a middleware seeing only the path below its mount
        // point would compute for a client that signed the full path.
        const request = await signer(creds).sign(smithyRequest('GET', '/other', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), {
          signingDate: new Date(clock),
        })
        const { host: _, ...headers } = request.headers as Record<string, string>
        await expectS3Error(await host.send(`${host.base}/whoami`, { method: 'GET', headers }), 403, 'SignatureDoesNotMatch')
      })

      it('answers a wrong session token, expired and revoked credentials with S3 codes', async () => {
        const alice = await issue(sts, 'alice')
        const bob = await issue(sts, 'bob')
        await expectS3Error(await signed({ ...alice, sessionToken: bob.sessionToken }, 'GET', '/whoami'), 400, 'InvalidToken')
        await sts.revoke(bob.accessKeyId)
        await expectS3Error(await signed(bob, 'GET', '/whoami'), 403, 'InvalidAccessKeyId')
        clock += 3600_000 + 1000
        await expectS3Error(await signed(alice, 'GET', '/whoami'), 400, 'ExpiredToken')
      })

      it('leaves the body to the handler, which reads it through verifyBody (sha256 payload)', async () => {
        const creds = await issue(sts, 'alice')
        const body = Buffer.from('hello, signed world\n'.repeat(5000))
        const response = await signed(creds, 'PUT', '/upload/a.txt', { body, headers: { 'x-amz-content-sha256': sha256(body) } })
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual(uploaded(body))
      })

      it('verifies a chunked upload chunk by chunk in the handler, and refuses a tampered chunk', async () => {
        const creds = await issue(sts, 'alice')
        const payload = Buffer.alloc(150_000)
        for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) % 251
        const chunkSize = 64 * 1024
        // `signed` sends the body it was given; the aws-chunked body depends on the seed signature, so sign first,
        // then build the body and send it.
        const send = async (tamper: boolean) => {
          const request = await signer(creds).sign(
            smithyRequest('PUT', '/upload/big.bin', {
              'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
              'content-encoding': 'aws-chunked',
              'x-amz-decoded-content-length': String(payload.length),
              'content-length': String(awsChunkedLength(payload.length, chunkSize)),
            }),
            { signingDate: new Date(clock) },
          )
          const { host: _, ...headers } = request.headers as Record<string, string>
          const seedSignature = /Signature=([0-9a-f]{64})/.exec(headers.authorization!)![1]!
          const amzDate = headers['x-amz-date']!
          const scope = { date: amzDate.slice(0, 8), region: 'us-east-1', service: 's3' }
          const body = awsChunkedBody(payload, chunkSize, { secretAccessKey: creds.secretAccessKey, scope, amzDate, seedSignature })
          if (tamper) body[200]! ^= 1 // in the first data chunk
          return host.send(`${host.base}/upload/big.bin`, { method: 'PUT', headers, body })
        }
        const good = await send(false)
        expect(good.status, await good.clone().text()).toBe(200)
        expect(await good.json()).toEqual(uploaded(payload))
        const bad = await send(true)
        await expectS3Error(bad, 403, 'SignatureDoesNotMatch', `${prefix}/upload/big.bin`)
        expect(bad.headers.get('connection')).toBe('close')
      })

      it('refuses a body that does not match x-amz-content-sha256 once it has been read', async () => {
        const creds = await issue(sts, 'alice')
        const request = await signer(creds).sign(
          smithyRequest('PUT', '/upload/a.txt', { 'x-amz-content-sha256': sha256('the body signed') }),
          { signingDate: new Date(clock) },
        )
        const { host: _, ...headers } = request.headers as Record<string, string>
        const response = await host.send(`${host.base}/upload/a.txt`, { method: 'PUT', headers, body: 'the body sent!!' })
        await expectS3Error(response, 400, 'XAmzContentSHA256Mismatch')
      })

      it('closes the connection when it refuses a request whose body it did not read', async () => {
        const response = await host.send(`${host.base}/upload/a.txt`, { method: 'PUT', body: 'x'.repeat(10_000) })
        await expectS3Error(response, 403, 'AccessDenied')
        expect(response.headers.get('connection')).toBe('close')
      })
    })
  }
}
