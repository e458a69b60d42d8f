import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { s3ErrorResponse, s3Errors } from '../src/s3-error.js'
import { canonicalQuery, canonicalRequest, canonicalUri, hmacHex, signingKey, stringToSign } from '../src/sigv4/canonical-request.js'
import { ChunkedPayload } from '../src/sigv4/chunked-payload.js'
import { decodeBody } from '../src/sigv4/payload.js'
import { awsChunkedBody } from './aws-chunked-signer.js'

// AWS's worked example for STREAMING-AWS4-HMAC-SHA256-PAYLOAD ("Example: PUT Object", Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks), with the documentation's example key pair.
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const SCOPE = { date: '20130524', region: 'us-east-1', service: 's3' }
const AMZ_DATE = '20130524T000000Z'
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9'
const CHUNK_SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
]
const exampleHeaders = {
  host: 's3.amazonaws.com',
  'x-amz-date': AMZ_DATE,
  'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'content-encoding': 'aws-chunked',
  'x-amz-decoded-content-length': '66560',
  'content-length': '66824',
}
const payload = Buffer.alloc(66560, 'a')

describe("AWS's chunked upload example", () => {
  it('gives the seed signature of the documentation', () => {
    const canonical = canonicalRequest({
      method: 'PUT',
      path: '/examplebucket/chunkObject.txt',
      query: '',
      headers: exampleHeaders,
      signedHeaders: Object.keys(exampleHeaders).sort(),
      payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    })
    expect(hmacHex(signingKey(SECRET, SCOPE), stringToSign(AMZ_DATE, SCOPE, canonical))).toBe(SEED)
  })

  it("the test signer reproduces the documentation's chunk signatures and body length", () => {
    const body = awsChunkedBody(payload, 65536, { secretAccessKey: SECRET, scope: SCOPE, amzDate: AMZ_DATE, seedSignature: SEED })
    const text = body.toString('latin1')
    expect([...text.matchAll(/chunk-signature=([0-9a-f]{64})/g)].map((m) => m[1])).toEqual(CHUNK_SIGNATURES)
    expect(body.length).toBe(66824)
  })

  /** A decoder for AWS's example upload: 66,560 bytes in chunks signed from its seed signature. */
  const exampleDecoder = () =>
    new ChunkedPayload({ signingKey: signingKey(SECRET, SCOPE), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: SEED, decodedContentLength: 66560 })

  it('the decoder yields the payload, verified chunk by chunk, however the body is split', async () => {
    const body = awsChunkedBody(payload, 65536, { secretAccessKey: SECRET, scope: SCOPE, amzDate: AMZ_DATE, seedSignature: SEED })
    for (const piece of [1, 7, 100, 65536, 70000]) {
      const decoder = exampleDecoder()
      const pieces = function* () {
        for (let i = 0; i < body.length; i += piece) yield body.subarray(i, i + piece)
      }
      const out: Uint8Array[] = []
      for await (const b of decodeBody(decoder, pieces())) out.push(b)
      expect(Buffer.concat(out).equals(payload)).toBe(true)
    }
  })

  it('a tampered chunk fails at that chunk, after only the verified chunks were handed on', async () => {
    const body = awsChunkedBody(payload, 65536, { secretAccessKey: SECRET, scope: SCOPE, amzDate: AMZ_DATE, seedSignature: SEED })
    const tampered = Buffer.from(body)
    tampered[tampered.length - 100] = 'b'.charCodeAt(0) // inside the second (1024-byte) chunk
    const decoder = exampleDecoder()
    const out: Uint8Array[] = []
    await expect(
      (async () => {
        for await (const b of decodeBody(decoder, [tampered])) out.push(b)
      })(),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 })
    expect(Buffer.concat(out).length).toBe(65536)
  })

  it('a truncated body is IncompleteBody; a wrong declared length too', async () => {
    const body = awsChunkedBody(payload, 65536, { secretAccessKey: SECRET, scope: SCOPE, amzDate: AMZ_DATE, seedSignature: SEED })
    const make = (declared: number) =>
      new ChunkedPayload({ signingKey: signingKey(SECRET, SCOPE), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: SEED, decodedContentLength: declared })
    const drain = async (decoder: ChunkedPayload, source: Uint8Array[]) => {
      for await (const _ of decodeBody(decoder, source)) void _
    }
    await expect(drain(make(66560), [body.subarray(0, body.length - 10)])).rejects.toMatchObject({ code: 'IncompleteBody' })
    await expect(drain(make(70000), [body])).rejects.toMatchObject({ code: 'IncompleteBody' })
    await expect(drain(make(1000), [body])).rejects.toMatchObject({ code: 'InvalidRequest' })
  })
})

describe('canonical forms', () => {
  it('encodes each path segment once, keeps %2F, and re-encodes what the client left raw', () => {
    expect(canonicalUri('/bucket/a%20b/%C3%BC!~+')).toBe('/bucket/a%20b/%C3%BC%21~%2B')
    expect(canonicalUri('/bucket/a%2Fb')).toBe('/bucket/a%2Fb')
    expect(canonicalUri('')).toBe('/')
    expect(canonicalUri('/b//k/./x')).toBe('/b//k/./x')
  })

  it('sorts the query by encoded name (bytewise: % before letters) then value, keeps repeated names, reads + as a space', () => {
    expect(canonicalQuery('b=2&a=z&a=&a=1&c+d=x%2By&%C3%BC&e=f=g')).toBe('%C3%BC=&a=&a=1&a=z&b=2&c%20d=x%2By&e=f%3Dg')
  })
})

describe('S3 error document', () => {
  it("is S3's shape, escapes, and never echoes the query", () => {
    const answer = s3ErrorResponse(s3Errors.signatureMismatch(), { url: '/b/<k>?X-Amz-Security-Token=secret' }, 'REQ1')
    expect(answer.status).toBe(403)
    expect(answer.headers['content-type']).toBe('application/xml')
    expect(answer.headers['x-amz-request-id']).toBe('REQ1')
    expect(answer.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><Resource>/b/&lt;k&gt;</Resource><RequestId>REQ1</RequestId></Error>',
    )
    expect(s3ErrorResponse(new Error('boom'), { method: 'HEAD', url: '/' })).toMatchObject({ status: 500, body: '' })
  })
})

// Keep node:crypto imports used by helpers honest: the vector key derivation is independent of the source.
it('the test signer derives keys independently of the source', () => {
  const k1 = createHmac('sha256', `AWS4${SECRET}`).update(SCOPE.date).digest()
  const k2 = createHmac('sha256', k1).update(SCOPE.region).digest()
  const k3 = createHmac('sha256', k2).update(SCOPE.service).digest()
  const k4 = createHmac('sha256', k3).update('aws4_request').digest()
  expect(k4.equals(signingKey(SECRET, SCOPE))).toBe(true)
  expect(createHash('sha256').update('').digest('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
})
