import { StsError, invalidParameter } from './sts-error.js'

/**
 * The request's parameters, from the URL query and from a form body, kept as lists so that a parameter given twice
 * (twice in the query, or in the query and the body) is seen and refused instead of silently resolved.
 */
export type Parameters = Map<string, string[]>

export type ParsedBody = Record<string, unknown>

export function addSearchParams(into: Parameters, params: URLSearchParams): void {
  for (const [name, value] of params) push(into, name, value)
}

/**
 * A body that a framework's parser already turned into an object. Only strings (and lists of strings, which a
 * repeated key produces) are parameters; the nested objects a `qs`-style parser builds are dropped.
 */
export function addParsedBody(into: Parameters, body: ParsedBody): void {
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') push(into, name, value)
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') push(into, name, v)
  }
}

function push(into: Parameters, name: string, value: string) {
  const list = into.get(name)
  if (list) list.push(value)
  else into.set(name, [value])
}

/** The single value of a parameter, undefined when absent; given twice is an error. */
export function single(params: Parameters, name: string): string | undefined {
  const values = params.get(name)
  if (!values) return undefined
  if (values.length > 1) throw invalidParameter(`The parameter ${name} was given more than once`)
  return values[0]
}

export const isFormContentType = (contentType: string | undefined) =>
  contentType !== undefined && contentType.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded'

export const BODY_LIMIT = 64 * 1024

export const bodyTooLarge = () =>
  new StsError(413, 'RequestEntityTooLarge', `The request body is larger than ${BODY_LIMIT} bytes`)
