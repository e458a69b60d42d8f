import { MIN_VALIDITY_SECONDS } from './identity.js'
import { type Parameters, single } from './parameters.js'
import { isWellFormedRoleArn } from './role-arn.js'
import { StsError, invalidParameter, quote } from './sts-error.js'

export const ACTION = 'AssumeRoleWithCustomToken'
export const VERSION = '2011-06-15'
export const TOKEN_LIMIT = 32 * 1024

export interface ValidRequest {
  token: string
  roleArn: string
  durationSeconds?: number
}

/** The checks of sts-protocol.md section 3, in its order; the first that fails is the answer. */
export function validateRequest(method: string, params: Parameters, roleArns: ReadonlyMap<string, unknown>): ValidRequest {
  if (method !== 'POST') {
    throw new StsError(405, 'MethodNotAllowed', `${ACTION} must be sent with POST`, { allow: 'POST' })
  }

  const action = single(params, 'Action')
  if (action === undefined || action === '') throw new StsError(400, 'MissingAction', 'The request must contain the parameter Action')
  if (action !== ACTION) throw new StsError(400, 'InvalidAction', `Could not find operation ${quote(action)} for version ${VERSION}`)

  const version = single(params, 'Version')
  if (version === undefined || version === '') throw new StsError(400, 'MissingParameter', 'The request must contain the parameter Version')
  if (version !== VERSION) throw invalidParameter(`Unsupported Version ${quote(version)}: only ${VERSION} is supported`)

  const token = single(params, 'Token')
  if (token === undefined || token === '') throw invalidParameter('Invalid empty `Token` parameter provided')
  if (Buffer.byteLength(token) > TOKEN_LIMIT) throw invalidParameter(`The \`Token\` parameter is longer than ${TOKEN_LIMIT} bytes`)

  const durationSeconds = readDuration(single(params, 'DurationSeconds'))

  const roleArn = single(params, 'RoleArn')
  if (roleArn === undefined || roleArn === '') throw invalidParameter('Error processing parameter RoleArn: RoleArn is required')
  // A configured role's ARN is well formed: only an unknown one needs the shape check, whose answer comes first.
  if (roleArns.has(roleArn)) return { token, roleArn, durationSeconds }
  if (!isWellFormedRoleArn(roleArn)) throw invalidParameter(`Error processing parameter RoleArn: ${quote(roleArn, 256)} is not a valid ARN`)
  throw invalidParameter(`Error processing parameter RoleArn: RoleARN ${quote(roleArn, 256)} is not defined.`)
}

function readDuration(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined
  if (!/^[+-]?[0-9]{1,12}$/.test(raw)) throw invalidParameter(`Invalid requested duration: ${quote(raw)}`)
  const seconds = Number(raw)
  if (seconds < MIN_VALIDITY_SECONDS) {
    throw invalidParameter(`Invalid requested duration: ${seconds}: DurationSeconds must be at least ${MIN_VALIDITY_SECONDS}`)
  }
  return seconds
}
