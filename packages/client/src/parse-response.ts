import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { StsInvalidResponseError, StsServiceError } from './errors.js'
import { parseExpiration } from './expiration.js'
import { redact } from './redact.js'

export interface TemporaryCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

export interface AssumeRoleResult {
  credentials: TemporaryCredentials
  /** `custom:<user>` as the server names the identity; undefined when the server sent none. */
  assumedUser: string | undefined
  /** The answer's RequestId (or its `x-amz-request-id` header). */
  requestId: string | undefined
}

export interface RawAnswer {
  status: number
  body: string
  /** The `x-amz-request-id` header, a fallback when the XML carries no RequestId. */
  requestIdHeader: string | undefined
}

const SUCCESS_ROOT = 'AssumeRoleWithCustomTokenResponse'
const RESULT = 'AssumeRoleWithCustomTokenResult'
const CREDENTIAL_FIELDS = ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'] as const

// Prefixes are dropped (`<sts:Credentials>` reads as `Credentials`) and attributes ignored: servers vary in both.
// Values stay strings (an all-digit access key must not become a number) and are trimmed of layout whitespace.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  // Decodes numeric references too: MinIO writes `"` as `&#34;` and `'` as `&#39;`.
  htmlEntities: true,
})

type Node = Record<string, unknown>

/**
 * Reads an STS answer: the credentials of a 200, a `StsServiceError` for an error document, and a
 * `StsInvalidResponseError` for anything else. `token` is removed from every text that reaches an error.
 */
export function parseAnswer(answer: RawAnswer, token: string, nowMs: number): AssumeRoleResult {
  const { status } = answer
  const invalid = (why: string, requestId = answer.requestIdHeader) =>
    new StsInvalidResponseError(`Invalid STS answer (HTTP ${status}): ${why}`, status, requestId)

  const doc = parseDocument(answer.body)
  if (status !== 200) {
    const error = doc && readErrorDocument(doc)
    if (!error) throw invalid('an error status without an STS ErrorResponse document')
    throw new StsServiceError(
      status,
      redact(error.code, token),
      redact(error.message, token),
      error.requestId ?? answer.requestIdHeader,
    )
  }
  if (!doc) throw invalid('the body is not a single well-formed XML document')
  const [rootName, root] = doc
  if (rootName !== SUCCESS_ROOT) throw invalid(`the root element is <${safeName(rootName)}>, not <${SUCCESS_ROOT}>`)
  if (!isNode(root)) throw invalid(`<${SUCCESS_ROOT}> is empty`)
  const requestId = text(child(root, 'ResponseMetadata'), 'RequestId') ?? answer.requestIdHeader
  const result = child(root, RESULT)
  if (result === undefined) throw invalid(`no <${RESULT}>`, requestId)
  const credentials = child(result, 'Credentials')
  if (credentials === undefined) throw invalid('no <Credentials>', requestId)
  const values: Partial<Record<(typeof CREDENTIAL_FIELDS)[number], string>> = {}
  for (const field of CREDENTIAL_FIELDS) {
    const value = text(credentials, field)
    if (value === undefined || value === '') throw invalid(`<Credentials> has no <${field}>`, requestId)
    values[field] = value
  }
  const expiration = parseExpiration(values.Expiration!)
  if (!expiration) throw invalid('<Expiration> is not an RFC 3339 timestamp', requestId)
  if (expiration.getTime() <= nowMs) {
    throw invalid(`<Expiration> ${expiration.toISOString()} is already past (clock skew or a broken server)`, requestId)
  }
  return {
    credentials: {
      accessKeyId: values.AccessKeyId!,
      secretAccessKey: values.SecretAccessKey!,
      sessionToken: values.SessionToken!,
      expiration,
    },
    assumedUser: text(result, 'AssumedUser'),
    requestId,
  }
}

/** The single root element as [name, content], or undefined when the body is not one well-formed document. */
function parseDocument(body: string): [string, unknown] | undefined {
  // The validator refuses what the lenient parser would half-read: unclosed tags, several roots, text outside.
  if (body.trim() === '' || XMLValidator.validate(body) !== true) return undefined
  let parsed: Node
  try {
    parsed = parser.parse(body) as Node
  } catch {
    return undefined
  }
  const roots = Object.entries(parsed)
  return roots.length === 1 ? roots[0] : undefined
}

/**
 * STS's `<ErrorResponse><Error>…</Error><RequestId>` and the S3-style `<Error>` that MinIO sends for some STS
 * failures (a wrong Version, a GET) both carry Code and Message.
 */
function readErrorDocument([rootName, root]: [string, unknown]):
  | { code: string; message: string; requestId: string | undefined }
  | undefined {
  if (!isNode(root)) return undefined
  const error = rootName === 'ErrorResponse' ? child(root, 'Error') : rootName === 'Error' ? root : undefined
  const code = text(error, 'Code')
  if (!code) return undefined
  return { code, message: text(error, 'Message') ?? '', requestId: text(root, 'RequestId') ?? text(error, 'RequestId') }
}

/** A child element that must appear once; an element given twice makes the answer ambiguous and is refused. */
function child(node: unknown, name: string): Node | undefined {
  if (!isNode(node)) return undefined
  const value = node[name]
  if (Array.isArray(value)) return undefined
  if (value === '') return {}
  return isNode(value) ? value : undefined
}

function text(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined
  const value = node[name]
  return typeof value === 'string' ? value : undefined
}

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Element names come from the server: keep them short and printable in messages. */
const safeName = (name: string) => name.replace(/[^\w.:-]/g, '?').slice(0, 64)
