// @ts-check
/** S3's XML documents for the operations the gateway serves (path-style, namespace 2006-03-01). */

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/'
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

/** @param {string} text */
export const escapeXml = (text) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/** @param {string} name @param {string | number | boolean | undefined} value */
const el = (name, value) => (value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`)

/** @param {{ id: string, name: string }} owner @param {{ name: string, created: Date }[]} buckets */
export function listBucketsXml(owner, buckets) {
  const items = buckets.map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', b.created.toISOString())}</Bucket>`)
  return `${DECLARATION}<ListAllMyBucketsResult xmlns="${NS}"><Owner>${el('ID', owner.id)}${el('DisplayName', owner.name)}</Owner><Buckets>${items.join('')}</Buckets></ListAllMyBucketsResult>`
}

/**
 * @param {{ bucket: string, prefix: string, delimiter?: string, maxKeys: number, startAfter?: string,
 *   continuationToken?: string, nextContinuationToken?: string, truncated: boolean,
 *   contents: import('./storage.js').ObjectInfo[], commonPrefixes: string[] }} r
 */
export function listObjectsV2Xml(r) {
  const contents = r.contents.map(
    (o) =>
      `<Contents>${el('Key', o.key)}${el('LastModified', o.lastModified)}${el('ETag', o.etag)}${el('Size', o.size)}<StorageClass>STANDARD</StorageClass></Contents>`,
  )
  const prefixes = r.commonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', p)}</CommonPrefixes>`)
  return (
    `${DECLARATION}<ListBucketResult xmlns="${NS}">${el('Name', r.bucket)}${el('Prefix', r.prefix)}` +
    `${el('StartAfter', r.startAfter)}${el('ContinuationToken', r.continuationToken)}${el('NextContinuationToken', r.nextContinuationToken)}` +
    `${el('KeyCount', r.contents.length + r.commonPrefixes.length)}${el('MaxKeys', r.maxKeys)}${el('Delimiter', r.delimiter)}` +
    `${el('IsTruncated', r.truncated)}${contents.join('')}${prefixes.join('')}</ListBucketResult>`
  )
}

/** us-east-1 is an empty LocationConstraint, as S3 answers it. @param {string} region */
export const locationXml = (region) =>
  `${DECLARATION}<LocationConstraint xmlns="${NS}">${region === 'us-east-1' ? '' : escapeXml(region)}</LocationConstraint>`

/** @param {string} code @param {string} message @param {string} resource @param {string} requestId */
export const errorXml = (code, message, resource, requestId) =>
  `${DECLARATION}<Error>${el('Code', code)}${el('Message', message)}${el('Resource', resource)}${el('RequestId', requestId)}</Error>`
