import { S3AuthError, s3Errors } from '../s3-error.js'
import { ALGORITHM, type Scope } from './canonical-request.js'

/**
 * Parsing of the two places SigV4 puts its parameters: the Authorization header and the presigned query. Only the
 * shape is checked here; the scope's values are checked by `checkScope` against the configuration.
 */

export interface SignatureParameters {
  accessKeyId: string
  scope: Scope
  /** Lower-case, sorted. */
  signedHeaders: string[]
  /** Lower-case hex as the client sent it. */
  signature: string
}

/** Which field of which form was wrong: the header form and the query form have different S3 error codes. */
type Form = 'header' | 'query'

const malformed = (form: Form, message: string): S3AuthError =>
  form === 'header' ? s3Errors.headerMalformed(message) : s3Errors.queryMalformed(message)

const credentialMalformed = (form: Form) =>
  form === 'header'
    ? s3Errors.headerMalformed('The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
    : s3Errors.queryMalformed(
        'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      )

/** `AKID/20130524/us-east-1/s3/aws4_request`. The access key may not contain `/`; region and service are checked later. */
function parseCredential(value: string, form: Form): { accessKeyId: string; scope: Scope; terminal: string } {
  const parts = value.split('/')
  if (parts.length !== 5 || parts.some((p) => p === '')) throw credentialMalformed(form)
  const [accessKeyId, date, region, service, terminal] = parts as [string, string, string, string, string]
  if (!/^\d{8}$/.test(date)) {
    throw malformed(
      form,
      `Error parsing the ${form === 'header' ? 'Credential' : 'X-Amz-Credential'} parameter; incorrect date format. This date in the credential must be in the format "yyyyMMdd".`,
    )
  }
  return { accessKeyId, scope: { date, region, service }, terminal }
}

function parseSignedHeaders(value: string): string[] {
  return value.split(';').map((h) => h.trim().toLowerCase()).sort()
}

const HEX64 = /^[0-9a-fA-F]{64}$/

/**
 * `AWS4-HMAC-SHA256 Credential=AKID/date/region/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex`.
 * The separators between fields are `,` with optional spaces, as clients write them.
 */
export function parseAuthorizationHeader(header: string): SignatureParameters & { terminal: string } {
  const trimmed = header.trim()
  if (!trimmed.startsWith(`${ALGORITHM} `)) throw s3Errors.unsupportedMechanism()
  const fields = new Map<string, string>()
  for (const field of trimmed.slice(ALGORITHM.length + 1).split(',')) {
    const f = field.trim()
    if (f === '') continue
    const eq = f.indexOf('=')
    if (eq === -1) throw s3Errors.headerMalformed(`The authorization header is malformed; the authorization component "${quote(f)}" is malformed.`)
    const name = f.slice(0, eq)
    if (fields.has(name)) throw s3Errors.headerMalformed(`The authorization header is malformed; "${quote(name)}" is given twice.`)
    fields.set(name, f.slice(eq + 1))
  }
  const credential = fields.get('Credential')
  const signedHeaders = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  if (credential === undefined) throw s3Errors.invalidRequest('Missing Credential field for this request.')
  if (signedHeaders === undefined || signedHeaders === '') throw s3Errors.invalidArgument('Signature header missing SignedHeaders field.')
  if (signature === undefined) throw new S3AuthError(400, 'AccessDenied', 'Signature header missing Signature field.')
  if (!HEX64.test(signature)) throw s3Errors.headerMalformed('The authorization header is malformed; the Signature is not 64 hexadecimal digits.')
  const { accessKeyId, scope, terminal } = parseCredential(credential, 'header')
  return { accessKeyId, scope, terminal, signedHeaders: parseSignedHeaders(signedHeaders), signature: signature.toLowerCase() }
}

export interface PresignParameters extends SignatureParameters {
  terminal: string
  amzDate: string
  date: number
  expiresSeconds: number
  /** From X-Amz-Security-Token, if present. */
  sessionToken?: string
  /** From X-Amz-Content-Sha256, if present. */
  contentSha256?: string
}

export const MAX_PRESIGN_SECONDS = 604800

/** The X-Amz-* parameters of a presigned URL, from an already-decoded query. */
export function parsePresignedQuery(params: URLSearchParams, parseDate: (text: string) => number | undefined): PresignParameters {
  const one = (name: string): string | undefined => {
    const values = params.getAll(name)
    if (values.length > 1) throw s3Errors.queryMalformed(`The ${name} parameter is given more than once.`)
    return values[0]
  }
  const algorithm = one('X-Amz-Algorithm')
  const credential = one('X-Amz-Credential')
  const signature = one('X-Amz-Signature')
  const amzDate = one('X-Amz-Date')
  const signedHeaders = one('X-Amz-SignedHeaders')
  const expires = one('X-Amz-Expires')
  if ([algorithm, credential, signature, amzDate, signedHeaders, expires].some((v) => v === undefined)) {
    throw s3Errors.queryMalformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    )
  }
  if (algorithm !== ALGORITHM) throw s3Errors.queryMalformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256".')
  const { accessKeyId, scope, terminal } = parseCredential(credential!, 'query')
  const date = parseDate(amzDate!)
  if (date === undefined) throw s3Errors.queryMalformed('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"')
  if (!/^-?\d+$/.test(expires!)) throw s3Errors.queryMalformed('X-Amz-Expires should be a number')
  const expiresSeconds = Number(expires)
  if (expiresSeconds < 0) throw s3Errors.queryMalformed('X-Amz-Expires must be non-negative')
  if (expiresSeconds > MAX_PRESIGN_SECONDS) {
    throw s3Errors.queryMalformed(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    )
  }
  if (!HEX64.test(signature!)) throw s3Errors.queryMalformed('X-Amz-Signature must be 64 hexadecimal digits.')
  if (signedHeaders === '') throw s3Errors.queryMalformed('X-Amz-SignedHeaders must not be empty.')
  return {
    accessKeyId,
    scope,
    terminal,
    signedHeaders: parseSignedHeaders(signedHeaders!),
    signature: signature!.toLowerCase(),
    amzDate: amzDate!,
    date,
    expiresSeconds,
    sessionToken: one('X-Amz-Security-Token'),
    contentSha256: one('X-Amz-Content-Sha256'),
  }
}

export interface ScopeConfig {
  region: string
  service: string
}

/** Region, service and terminal against the configuration; the credential date against the request's date. */
export function checkScope(form: Form, parsed: { scope: Scope; terminal: string }, config: ScopeConfig, amzDate: string): void {
  const { scope, terminal } = parsed
  const param = form === 'header' ? 'The authorization header is malformed;' : 'Error parsing the X-Amz-Credential parameter;'
  if (scope.region !== config.region) {
    throw malformed(form, `${param} the region '${quote(scope.region)}' is wrong; expecting '${config.region}'`)
  }
  if (scope.service !== config.service) {
    throw malformed(form, `${param} incorrect service "${quote(scope.service)}". This endpoint belongs to "${config.service}".`)
  }
  if (terminal !== 'aws4_request') {
    throw malformed(form, `${param} incorrect terminal "${quote(terminal)}". This endpoint uses "aws4_request".`)
  }
  if (scope.date !== amzDate.slice(0, 8)) {
    throw malformed(form, `${param} Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`)
  }
}

/** Values echoed in messages come from the client: cut them short. */
function quote(value: string, max = 64): string {
  return value.length > max ? `${value.slice(0, max)}…` : value
}
