/**
 * One conformance suite for every way of mounting the endpoint (node:http, Express, Koa, Hono), run against a real
 * server where there is one: the adapters are proven by the same tests, not by a few smoke tests each.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sts, StsEvent } from '../../src/index.js'
import { SECRET_TOKEN, SEED_ROLE_ARN, fixtureSts, query, seedParams } from './fixture.js'

export interface Mounted {
  /** Sends a request to the STS mount point; `path` starts with `?` or `/` and is relative to it. */
  sts(path: string, init?: RequestInit): Promise<Response>
  /** Sends a request to the host's own routes: `/health` and `/echo` (answers `{ body: string }`, the body it read). */
  host(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
  /** Whether requests come over a socket, so that the client address is known. Default true. */
  overSocket?: boolean
}

export type Mount = (sts: Sts) => Promise<Mounted>

const FORM = 'application/x-www-form-urlencoded'

const SUCCESS_SHAPE = new RegExp(
  '^<\\?xml version="1\\.0" encoding="UTF-8"\\?>\\n' +
    '<AssumeRoleWithCustomTokenResponse xmlns="https://sts\\.amazonaws\\.com/doc/2011-06-15/">' +
    '<AssumeRoleWithCustomTokenResult><Credentials>' +
    '<AccessKeyId>([0-9A-Z]{20})</AccessKeyId>' +
    '<SecretAccessKey>([A-Za-z0-9+]{40})</SecretAccessKey>' +
    '<SessionToken>([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)</SessionToken>' +
    '<Expiration>(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)</Expiration>' +
    '</Credentials><AssumedUser>([^<]*)</AssumedUser></AssumeRoleWithCustomTokenResult>' +
    '<ResponseMetadata><RequestId>([0-9A-F]{16})</RequestId></ResponseMetadata></AssumeRoleWithCustomTokenResponse>$',
)

const ERROR_SHAPE = new RegExp(
  '^<\\?xml version="1\\.0" encoding="UTF-8"\\?>\\n' +
    '<ErrorResponse xmlns="https://sts\\.amazonaws\\.com/doc/2011-06-15/"><Error><Type></Type>' +
    '<Code>([A-Za-z]+)</Code><Message>([^<]*)</Message></Error><RequestId>([0-9A-F]{16})</RequestId></ErrorResponse>$',
)

/** Parsed by a real XML parser as well as matched by shape: the answer must be well-formed, entities and all. */
const parser = new XMLParser({ parseTagValue: false, trimValues: false })
export function parseXml(text: string): Record<string, any> {
  expect(XMLValidator.validate(text), text).toBe(true)
  return parser.parse(text)
}

export async function expectSuccess(response: Response) {
  const text = await response.text()
  expect(response.status, text).toBe(200)
  parseXml(text)
  expect(response.headers.get('content-type')).toBe('application/xml')
  const match = SUCCESS_SHAPE.exec(text)
  expect(match, text).not.toBeNull()
  const [, accessKeyId, secretAccessKey, sessionToken, expiration, assumedUser, requestId] = match!
  expect(response.headers.get('x-amz-request-id')).toBe(requestId)
  return { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken: sessionToken!, expiration: expiration!, assumedUser: assumedUser! }
}

export async function expectError(response: Response, status: number, code: string) {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  parseXml(text)
  expect(response.headers.get('content-type')).toBe('application/xml')
  const match = ERROR_SHAPE.exec(text)
  expect(match, text).not.toBeNull()
  expect(match![1]).toBe(code)
  expect(response.headers.get('x-amz-request-id')).toBe(match![3])
  return { message: match![2]!, text }
}

const post = (body?: string, contentType = FORM): RequestInit =>
  body === undefined ? { method: 'POST' } : { method: 'POST', body, headers: { 'content-type': contentType } }

export function describeConformance(name: string, mount: Mount) {
  describe(`conformance: ${name}`, () => {
    let mounted: Mounted
    const events: StsEvent[] = []
    const errors: unknown[] = []
    const sts = fixtureSts({ onEvent: (e) => events.push(e), onError: (e) => errors.push(e) })

    beforeAll(async () => {
      mounted = await mount(sts)
    })
    afterAll(async () => {
      await mounted?.close()
    })

    describe('issues credentials', () => {
      it('for a query-style request with an empty body, as minio-go sends it', async () => {
        const creds = await expectSuccess(await mounted.sts(query(seedParams()), post()))
        expect(creds.assumedUser).toBe('custom:Alice')
        const verified = await sts.verify(creds.accessKeyId, creds.sessionToken)
        expect(verified.user).toBe('Alice')
        expect(verified.claims.groups).toEqual(['data-science'])
        expect(verified.role.arn).toBe(SEED_ROLE_ARN)
      })

      it('for a form-style request with a charset, as the AWS SDKs send it', async () => {
        const body = new URLSearchParams(seedParams()).toString()
        const creds = await expectSuccess(await mounted.sts('/', post(body, `${FORM}; charset=utf-8`)))
        expect(creds.assumedUser).toBe('custom:Alice')
      })

      it('with the parameters split between query and body', async () => {
        const { Action, Version, ...rest } = seedParams()
        const creds = await expectSuccess(
          await mounted.sts(query({ Action, Version }), post(new URLSearchParams(rest).toString())),
        )
        expect(creds.assumedUser).toBe('custom:Alice')
      })

      it('decoding + as a space and %2B as a plus', async () => {
        const creds = await expectSuccess(await mounted.sts(query(seedParams()).replace('Token=aaa', 'Token=a%2Bb+c'), post()))
        expect(creds.assumedUser).toBe('custom:Plus Space')
      })

      it('for the shorter of DurationSeconds and the identity validity', async () => {
        const before = Math.floor(Date.now() / 1000)
        const creds = await expectSuccess(await mounted.sts(query(seedParams({ DurationSeconds: '900' })), post()))
        const exp = Date.parse(creds.expiration) / 1000
        expect(exp).toBeGreaterThanOrEqual(before + 900)
        expect(exp).toBeLessThanOrEqual(before + 902)
        const longer = await expectSuccess(await mounted.sts(query(seedParams({ DurationSeconds: '86400' })), post()))
        expect(Date.parse(longer.expiration) / 1000).toBeLessThanOrEqual(before + 3602)
      })
    })

    it("hands the framework's client address to the identity callback", async () => {
      const creds = await expectSuccess(await mounted.sts(query(seedParams({ Token: 'whoami' })), post()))
      if (mounted.overSocket === false) expect(creds.assumedUser).toBe('custom:unknown')
      else expect(creds.assumedUser).toMatch(/^custom:(::ffff:)?127\.0\.0\.1$/)
    })

    describe('answers each failure of the contract table with STS XML', () => {
      it('405 with Allow: POST for GET', async () => {
        const response = await mounted.sts(query(seedParams()), { method: 'GET' })
        expect(response.headers.get('allow')).toBe('POST')
        await expectError(response, 405, 'MethodNotAllowed')
      })

      it('400 MissingParameter without Version, InvalidParameterValue for another Version', async () => {
        const { Version: _, ...noVersion } = seedParams()
        await expectError(await mounted.sts(query(noVersion), post()), 400, 'MissingParameter')
        await expectError(await mounted.sts(query(seedParams({ Version: '2012-01-01' })), post()), 400, 'InvalidParameterValue')
      })

      it('400 for a missing or empty Token', async () => {
        const { message } = await expectError(await mounted.sts(query(seedParams({ Token: '' })), post()), 400, 'InvalidParameterValue')
        expect(message).toBe('Invalid empty `Token` parameter provided')
        const { Token: _, ...noToken } = seedParams()
        await expectError(await mounted.sts(query(noToken), post()), 400, 'InvalidParameterValue')
      })

      it('400 for a Token over 32 KiB, without echoing it', async () => {
        const token = 'T'.repeat(32 * 1024 + 1)
        const { text } = await expectError(
          await mounted.sts('/', post(new URLSearchParams(seedParams({ Token: token })).toString())),
          400,
          'InvalidParameterValue',
        )
        expect(text).not.toContain('TTTTTTTT')
      })

      it('400 for a DurationSeconds that is not an integer, or below 900', async () => {
        const { message } = await expectError(
          await mounted.sts(query(seedParams({ DurationSeconds: '12abc' })), post()),
          400,
          'InvalidParameterValue',
        )
        expect(message).toBe('Invalid requested duration: 12abc')
        await expectError(await mounted.sts(query(seedParams({ DurationSeconds: '899' })), post()), 400, 'InvalidParameterValue')
      })

      it('400 for a missing, malformed or unknown RoleArn', async () => {
        const { RoleArn: _, ...noRole } = seedParams()
        await expectError(await mounted.sts(query(noRole), post()), 400, 'InvalidParameterValue')
        await expectError(await mounted.sts(query(seedParams({ RoleArn: 'not-an-arn' })), post()), 400, 'InvalidParameterValue')
        const unknown = 'arn:minio:iam:::role/idmp-unknown'
        const { message } = await expectError(await mounted.sts(query(seedParams({ RoleArn: unknown })), post()), 400, 'InvalidParameterValue')
        expect(message).toBe(`Error processing parameter RoleArn: RoleARN ${unknown} is not defined.`)
      })

      it('400 for a parameter given twice, in the query or in query and body', async () => {
        await expectError(await mounted.sts(`${query(seedParams())}&Token=aaa`, post()), 400, 'InvalidParameterValue')
        await expectError(await mounted.sts(query(seedParams()), post('Token=aaa')), 400, 'InvalidParameterValue')
      })

      it('403 AccessDenied with the escaped reason when the identity callback denies', async () => {
        const { text } = await expectError(await mounted.sts(query(seedParams({ Token: 'deny' })), post()), 403, 'AccessDenied')
        expect(text).toContain('<Message>Token revoked &lt;by admin&gt; &amp; &#34;gone&#34;</Message>')
        const decoded = new XMLParser({ processEntities: true, htmlEntities: true }).parse(text)
        expect(decoded.ErrorResponse.Error.Message).toBe('Token revoked <by admin> & "gone"')
      })

      it('400 IDPCommunicationError when the callback fails, without the token or the error text', async () => {
        const { text } = await expectError(await mounted.sts(query(seedParams({ Token: SECRET_TOKEN })), post()), 400, 'IDPCommunicationError')
        expect(text).not.toContain(SECRET_TOKEN)
        expect(text).not.toContain('identity backend')
        expect(errors.some((e) => e instanceof Error && e.message.includes('identity backend'))).toBe(true)
        expect(JSON.stringify(events)).not.toContain(SECRET_TOKEN)
      })

      it('400 IDPCommunicationError when the callback times out', async () => {
        await expectError(await mounted.sts(query(seedParams({ Token: 'slow' })), post()), 400, 'IDPCommunicationError')
      })

      it('500 InternalError for an invalid identity', async () => {
        await expectError(await mounted.sts(query(seedParams({ Token: 'invalid' })), post()), 500, 'InternalError')
      })

      it('413 for a body over 64 KiB', async () => {
        const body = `${new URLSearchParams(seedParams()).toString()}&pad=${'x'.repeat(70 * 1024)}`
        await expectError(await mounted.sts('/', post(body)), 413, 'RequestEntityTooLarge')
      })
    })

    describe("leaves the host's own requests alone", () => {
      it('serves the host route beside it', async () => {
        const response = await mounted.host('/health')
        expect(response.status).toBe(200)
        expect(await response.text()).toBe('ok')
      })

      it('hands a form body that is not for STS to the host intact', async () => {
        for (const body of ['a=1&b=two+words', 'Action=ListUsers&Version=2010-05-08']) {
          const response = await mounted.host('/echo', post(body))
          expect(response.status).toBe(200)
          expect(await response.json()).toEqual({ body: new URLSearchParams(body).toString() })
        }
      })

      it('hands a form body larger than the STS limit to the host intact', async () => {
        const body = `a=${'y'.repeat(200 * 1024)}&b=end`
        const response = await mounted.host('/echo', post(body))
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ body })
      })

      it('hands a JSON body to the host intact', async () => {
        const response = await mounted.host('/echo', post('{"Action":"AssumeRoleWithCustomToken"}', 'application/json'))
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ body: '{"Action":"AssumeRoleWithCustomToken"}' })
      })
    })
  })
}

/** Mounted helpers for a server listening on loopback. */
export function overHttp(base: string, stsPrefix: string, close: () => Promise<void>): Mounted {
  return {
    sts: (path, init) => fetch(`${base}${stsPrefix}${path.startsWith('/') && stsPrefix.endsWith('/') ? path.slice(1) : path}`, init),
    host: (path, init) => fetch(`${base}${path}`, init),
    close,
  }
}
