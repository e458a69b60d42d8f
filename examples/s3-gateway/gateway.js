// @ts-check
import { createHash, randomBytes } from 'node:crypto'
import { S3AuthError, s3ErrorResponse, s3Errors } from '@custom-token-sts/core'
import { requireCredentials, stsMiddleware } from '@custom-token-sts/express'
import express from 'express'
import { bucketsOf } from './access.js'
import { errorXml, listBucketsXml, listObjectsV2Xml, locationXml } from './s3-xml.js'

/** @typedef {import('@custom-token-sts/core').S3Authentication} S3Authentication */
/** @typedef {import('express').Request} Request */
/** @typedef {import('express').Response} Response */

/** A refusal of the S3 API itself (not of the credentials), rendered as S3's error XML. */
class S3ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

const noSuchBucket = () => new S3ApiError(404, 'NoSuchBucket', 'The specified bucket does not exist')
const noSuchKey = () => new S3ApiError(404, 'NoSuchKey', 'The specified key does not exist.')
const notImplemented = () =>
  new S3ApiError(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented')

/**
 * The gateway: the STS endpoint and a small S3 API (path-style) at the same root, as MinIO serves them.
 * ListBuckets, ListObjectsV2, GetBucketLocation, HeadBucket, PutObject (plain, hashed or aws-chunked body),
 * GetObject (with Range), HeadObject, DeleteObject. Multipart uploads, copies, versions, ACLs: NotImplemented.
 * @param {{ sts: import('@custom-token-sts/core').Sts, storage: import('./storage.js').FolderStorage, region?: string }} options
 */
export function createGateway({ sts, storage, region = 'us-east-1' }) {
  const app = express()
  app.disable('x-powered-by')
  app.use(stsMiddleware(sts))
  app.use(requireCredentials(sts))
  app.use(async (req, res) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase()
    res.setHeader('x-amz-request-id', requestId)
    try {
      await serveS3(req, res, /** @type {S3Authentication} */ (res.locals.s3), { storage, region })
    } catch (error) {
      sendError(req, res, error, requestId)
    }
  })
  return app
}

/**
 * @param {Request} req @param {Response} res @param {unknown} error @param {string} requestId
 */
function sendError(req, res, error, requestId) {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const resource = req.originalUrl.split('?')[0] ?? '/'
  /** @type {{ status: number, headers: Record<string, string>, body: string }} */
  let answer
  if (error instanceof S3ApiError) {
    answer = {
      status: error.status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: req.method === 'HEAD' ? '' : errorXml(error.code, error.message, resource, requestId),
    }
  } else {
    if (!(error instanceof S3AuthError)) console.error('s3-gateway: internal error', error)
    answer = s3ErrorResponse(error, { method: req.method, url: req.originalUrl }, requestId)
  }
  // A body we stopped reading part way (a tampered chunk, a digest mismatch) must not be drained: close.
  if (!req.readableEnded) answer.headers.connection = 'close'
  res.writeHead(answer.status, answer.headers).end(answer.body)
}

/**
 * @param {Request} req @param {Response} res @param {S3Authentication} auth
 * @param {{ storage: import('./storage.js').FolderStorage, region: string }} context
 */
async function serveS3(req, res, auth, { storage, region }) {
  const url = new URL(req.originalUrl, 'http://gateway')
  const [, rawBucket = '', ...rawKey] = url.pathname.split('/')
  const bucket = decodeURIComponent(rawBucket)
  const key = decodeURIComponent(rawKey.join('/'))
  const query = url.searchParams
  const method = req.method
  const allowed = bucketsOf(auth.principal)

  if (bucket === '') {
    if (method !== 'GET') throw notImplemented()
    const buckets = []
    for (const name of storage.buckets) if (allowed.has(name)) buckets.push({ name, created: await storage.bucketCreated(name) })
    return sendXml(res, listBucketsXml({ id: auth.principal.user, name: auth.principal.user }, buckets))
  }

  // Unknown and forbidden buckets look alike to a user who may not touch them, as with S3 policies.
  if (!allowed.has(bucket)) throw s3Errors.accessDenied()
  if (!storage.hasBucket(bucket)) throw noSuchBucket()

  if (key === '') {
    if (method === 'HEAD') return res.status(200).end()
    if (method !== 'GET') throw notImplemented()
    if (query.has('location')) return sendXml(res, locationXml(region))
    if (query.get('list-type') === '2') return sendXml(res, await listObjectsV2(storage, bucket, query))
    throw notImplemented()
  }

  // Sub-resources (?uploads, ?uploadId, ?tagging, ?acl, ...) and copies are S3 features this example leaves out.
  // (`x-id` is the operation name recent AWS SDKs add; x-amz-* are a presigned URL's; response-* override headers.)
  const known = (/** @type {string} */ name) => /^x-amz-/i.test(name) || name === 'x-id' || RESPONSE_OVERRIDES.has(name)
  if (![...query.keys()].every(known)) throw notImplemented()
  if (req.headers['x-amz-copy-source'] !== undefined) throw notImplemented()

  switch (method) {
    case 'PUT': {
      const info = await storage.put(
        bucket,
        key,
        checkMd5(auth.verifyBody(req), req.headers['content-md5']),
        req.headers['content-type'] ?? 'binary/octet-stream',
      )
      return res.status(200).set('etag', info.etag).end()
    }
    case 'GET':
    case 'HEAD': {
      const info = await storage.head(bucket, key)
      if (!info) throw noSuchKey()
      // setHeader, not res.set: Express would add a charset to the stored Content-Type.
      res.setHeader('etag', info.etag)
      res.setHeader('last-modified', new Date(info.lastModified).toUTCString())
      res.setHeader('content-type', info.contentType)
      res.setHeader('accept-ranges', 'bytes')
      for (const [name, header] of RESPONSE_OVERRIDES) {
        const value = query.get(name)
        if (value !== null) res.setHeader(header, value)
      }
      const range = parseRange(req.headers.range, info.size)
      if (range) res.status(206).set('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
      res.set('content-length', String(range ? range.end - range.start + 1 : info.size))
      if (method === 'HEAD') return res.end()
      if (info.size === 0) return res.end()
      const stream = storage.read(bucket, key, range)
      stream.on('error', () => res.destroy())
      return stream.pipe(res)
    }
    case 'DELETE':
      await storage.delete(bucket, key)
      return res.status(204).end()
    default:
      throw notImplemented()
  }
}

/** GetObject's query parameters that set a header of the answer (presigned download links use them). */
const RESPONSE_OVERRIDES = new Map([
  ['response-content-type', 'content-type'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
  ['response-content-language', 'content-language'],
  ['response-cache-control', 'cache-control'],
  ['response-expires', 'expires'],
])

/** @param {Response} res @param {string} xml */
function sendXml(res, xml) {
  res.status(200).setHeader('content-type', 'application/xml')
  res.end(xml)
}

/**
 * Content-MD5, when the client sends one, checked over the payload as it streams: a mismatch fails the upload
 * before it is stored.
 * @param {AsyncIterable<Uint8Array>} payload @param {string | undefined} contentMd5
 */
async function* checkMd5(payload, contentMd5) {
  const md5 = createHash('md5')
  for await (const chunk of payload) {
    md5.update(chunk)
    yield chunk
  }
  if (contentMd5 !== undefined && md5.digest('base64') !== contentMd5) {
    throw new S3ApiError(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
  }
}

/**
 * @param {import('./storage.js').FolderStorage} storage @param {string} bucket @param {URLSearchParams} query
 */
async function listObjectsV2(storage, bucket, query) {
  const prefix = query.get('prefix') ?? ''
  const delimiter = query.get('delimiter') || undefined
  const maxKeys = Math.min(1000, Math.max(0, Number(query.get('max-keys') ?? 1000) || 0))
  const continuationToken = query.get('continuation-token') ?? undefined
  const startAfter = query.get('start-after') ?? undefined
  // The token is the last key (or common prefix) of the previous page, opaque to clients.
  const after = continuationToken !== undefined ? Buffer.from(continuationToken, 'base64url').toString('utf8') : startAfter ?? ''

  /** @type {import('./storage.js').ObjectInfo[]} */
  const contents = []
  /** @type {string[]} */
  const commonPrefixes = []
  let last = ''
  let truncated = false
  for (const object of await storage.list(bucket)) {
    if (!object.key.startsWith(prefix) || Buffer.compare(Buffer.from(object.key), Buffer.from(after)) <= 0) continue
    const cut = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1
    const common = cut === -1 || !delimiter ? undefined : object.key.slice(0, cut + delimiter.length)
    if (common !== undefined && (common === commonPrefixes.at(-1) || common === after)) continue
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true
      break
    }
    if (common !== undefined) {
      commonPrefixes.push(common)
      last = common
    } else {
      contents.push(object)
      last = object.key
    }
  }
  return listObjectsV2Xml({
    bucket,
    prefix,
    delimiter,
    maxKeys,
    startAfter,
    continuationToken,
    nextContinuationToken: truncated ? Buffer.from(last).toString('base64url') : undefined,
    truncated,
    contents,
    commonPrefixes,
  })
}

/**
 * One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else is ignored as S3 does, except a range that
 * starts past the end: InvalidRange.
 * @param {string | undefined} header @param {number} size
 */
function parseRange(header, size) {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  let start
  let end
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]))
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start >= size || end < start) throw new S3ApiError(416, 'InvalidRange', 'The requested range is not satisfiable')
  return { start, end }
}
