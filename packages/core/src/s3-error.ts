import { newRequestId } from './request-id.js'
import { escapeXml } from './xml.js'

/**
 * Why a request signed with issued credentials was refused, as S3 says it: `code` and `status` are S3's (see
 * MinIO's cmd/api-errors.go and AWS's S3 error-code list). `message` reaches the client, so it never carries a
 * token, a secret, a signature we computed, or internal error text.
 */
export class S3AuthError extends Error {
  override name = 'S3AuthError'
  /** Also given to `onError` for an internal error, so that the log and the answer can be matched. */
  readonly requestId: string = newRequestId()
  constructor(
    readonly status: number,
    readonly code: S3AuthErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export type S3AuthErrorCode =
  | 'AccessDenied'
  | 'AuthorizationHeaderMalformed'
  | 'AuthorizationQueryParametersError'
  | 'BadDigest'
  | 'ExpiredToken'
  | 'IncompleteBody'
  | 'InternalError'
  | 'InvalidAccessKeyId'
  | 'InvalidArgument'
  | 'InvalidRequest'
  | 'InvalidToken'
  | 'MalformedDate'
  | 'MissingContentLength'
  | 'MissingSecurityHeader'
  | 'NotImplemented'
  | 'RequestTimeTooSkewed'
  | 'SignatureDoesNotMatch'
  | 'XAmzContentSHA256Mismatch'

/** Every refusal `authenticate` and the body verifiers produce, with S3's codes, statuses and (mostly) messages. */
export const s3Errors = {
  accessDenied: (message = 'Access Denied.') => new S3AuthError(403, 'AccessDenied', message),
  /** The credentials' role is no longer configured. */
  roleGone: () => new S3AuthError(403, 'AccessDenied', 'Access Denied.'),
  expiredPresign: () => new S3AuthError(403, 'AccessDenied', 'Request has expired'),
  presignNotYetValid: () => new S3AuthError(403, 'AccessDenied', 'Request is not valid yet'),
  missingDate: () => new S3AuthError(400, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header'),
  unsignedHeaders: () =>
    new S3AuthError(400, 'AccessDenied', 'There were headers present in the request which were not signed'),
  headerMalformed: (message: string) => new S3AuthError(400, 'AuthorizationHeaderMalformed', message),
  queryMalformed: (message: string) => new S3AuthError(400, 'AuthorizationQueryParametersError', message),
  expiredToken: () => new S3AuthError(400, 'ExpiredToken', 'The provided token has expired.'),
  incompleteBody: () =>
    new S3AuthError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'),
  internal: () => new S3AuthError(500, 'InternalError', 'We encountered an internal error, please try again.'),
  invalidAccessKeyId: () =>
    new S3AuthError(403, 'InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records.'),
  invalidArgument: (message: string) => new S3AuthError(400, 'InvalidArgument', message),
  invalidRequest: (message: string) => new S3AuthError(400, 'InvalidRequest', message),
  unsupportedMechanism: () =>
    new S3AuthError(
      400,
      'InvalidRequest',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    ),
  invalidToken: () => new S3AuthError(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.'),
  malformedDate: () =>
    new S3AuthError(400, 'MalformedDate', 'Invalid date format header, expected to be in ISO8601, RFC1123 or RFC1123Z time format.'),
  missingContentLength: () => new S3AuthError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
  missingSecurityHeader: () => new S3AuthError(400, 'MissingSecurityHeader', 'Your request was missing a required header'),
  notImplemented: () =>
    new S3AuthError(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented'),
  skewed: () =>
    new S3AuthError(403, 'RequestTimeTooSkewed', "The difference between the request time and the server's time is too large."),
  signatureMismatch: () =>
    new S3AuthError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    ),
  /** A checksum trailer (x-amz-checksum-crc32, ...) that differs from the payload's. */
  badDigest: (trailer: string) =>
    new S3AuthError(
      400,
      'BadDigest',
      `The ${trailer.replace('x-amz-checksum-', '').toUpperCase()} you specified did not match the calculated checksum.`,
    ),
  contentSha256Mismatch: () =>
    new S3AuthError(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."),
} as const

export interface S3ErrorResponse {
  status: number
  headers: Record<string, string>
  /** Empty for HEAD requests, which carry no body. */
  body: string
}

/** S3's error document: `<Error>` with Code, Message, Resource and RequestId, one line after the declaration. */
export function s3ErrorXml(error: S3AuthError, resource: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message><Resource>${escapeXml(resource)}</Resource>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></Error>`
  )
}

/**
 * The whole answer for a refused request. `request.url` gives the Resource: only its path is echoed, never the
 * query (a presigned URL carries the session token and signature there). Anything that is not an `S3AuthError`
 * becomes a 500 InternalError with a fixed message. The RequestId is the error's own unless one is given.
 */
export function s3ErrorResponse(
  error: unknown,
  request: { method?: string; url: string },
  requestId?: string,
): S3ErrorResponse {
  const answer = error instanceof S3AuthError ? error : s3Errors.internal()
  requestId ??= answer.requestId
  const q = request.url.indexOf('?')
  const resource = q === -1 ? request.url : request.url.slice(0, q)
  return {
    status: answer.status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'cache-control': 'no-store' },
    body: request.method?.toUpperCase() === 'HEAD' ? '' : s3ErrorXml(answer, resource, requestId),
  }
}
