// @ts-check
/**
 * The floors: the least work that could produce the same answer, with nothing a real server must add (no parsing,
 * no validation, no store, no escaping). Each ratio in the table is the library's throughput over its floor's.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { CLAIMS, SIGNING_KEY, USER, VALIDITY_SECONDS } from './fixture.js'

const JWT_HEADER = Buffer.from('{"alg":"HS512","typ":"JWT"}').toString('base64url')
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/'
let requestCounter = 0

/**
 * An issuance: node:crypto HMAC-SHA512 over a JWT of the same claims, one randomBytes for both keys, the XML as a
 * template string. Declared async so that it runs through the same harness as `handle()`.
 * @param {string} roleArn
 */
export async function floorIssue(roleArn) {
  const random = randomBytes(45).toString('base64') // 60 characters: 20 for the access key, 40 for the secret
  const accessKeyId = random.slice(0, 20)
  const secretAccessKey = random.slice(20)
  const exp = Math.floor(Date.now() / 1000) + VALIDITY_SECONDS
  const subject = `custom:${USER}`
  const payload = JSON.stringify({ ...CLAIMS, accessKey: accessKeyId, exp, parent: subject, roleArn, sub: subject })
  const input = `${JWT_HEADER}.${Buffer.from(payload).toString('base64url')}`
  const sessionToken = `${input}.${createHmac('sha512', SIGNING_KEY).update(input).digest('base64url')}`
  const requestId = String(++requestCounter)
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<AssumeRoleWithCustomTokenResponse xmlns="${NS}"><AssumeRoleWithCustomTokenResult>` +
    `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${sessionToken}</SessionToken><Expiration>${new Date(exp * 1000).toISOString()}</Expiration>` +
    `</Credentials><AssumedUser>${subject}</AssumedUser></AssumeRoleWithCustomTokenResult>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleWithCustomTokenResponse>`
  )
}

const hmac = (/** @type {Buffer | string} */ key, /** @type {string} */ data) => createHmac('sha256', key).update(data).digest()

/**
 * @typedef {object} SigV4Input
 * @property {string} method
 * @property {string} path  already canonical (no characters to encode)
 * @property {string} host
 * @property {string} amzDate  YYYYMMDDTHHMMSSZ
 * @property {string} sessionToken
 * @property {string} payloadHash
 * @property {string} secretAccessKey
 * @property {string} region
 */

/**
 * One SigV4 signature over a GET with no query: the canonical request and its SHA-256, the string to sign, the
 * four-HMAC key derivation and the final HMAC. The verification floor, and the signer of the benched request.
 * @param {SigV4Input} r
 */
export function sigV4Signature(r) {
  const date = r.amzDate.slice(0, 8)
  const scope = `${date}/${r.region}/s3/aws4_request`
  const canonical =
    `${r.method}\n${r.path}\n\n` +
    `host:${r.host}\nx-amz-content-sha256:${r.payloadHash}\nx-amz-date:${r.amzDate}\nx-amz-security-token:${r.sessionToken}\n\n` +
    `${SIGNED_HEADERS}\n${r.payloadHash}`
  const stringToSign = `AWS4-HMAC-SHA256\n${r.amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`
  const key = hmac(hmac(hmac(hmac(`AWS4${r.secretAccessKey}`, date), r.region), 's3'), 'aws4_request')
  return { scope, signature: createHmac('sha256', key).update(stringToSign).digest('hex') }
}

export const SIGNED_HEADERS = 'host;x-amz-content-sha256;x-amz-date;x-amz-security-token'
