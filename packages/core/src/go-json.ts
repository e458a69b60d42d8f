/**
 * JSON exactly as Go's encoding/json writes a map[string]interface{}: keys sorted bytewise at every level, compact,
 * and `<`, `>`, `&`, U+2028, U+2029 escaped. MinIO signs that serialisation, so the seed's token is only reproduced
 * byte for byte this way.
 */

const GO_ESCAPES = /[<>&\u2028\u2029]/g
const HAS_GO_ESCAPE = /[<>&\u2028\u2029]/
const goEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

// Go compares UTF-8 bytes. UTF-16 code unit order (JavaScript's default sort) differs only above U+D7FF, so keys
// below it, checked once each rather than at every comparison, take the default sort.
// eslint-disable-next-line no-control-regex
const BELOW_D800 = /^[\u0000-\ud7ff]*$/
const isBelowD800 = (key: string) => BELOW_D800.test(key)
const compareUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

// JavaScript objects list array-index keys ("0", "42") first, in numeric order, whatever order they were added in.
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/
const isArrayIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1

export function goJson(value: unknown): string {
  const ordered = inGoOrder(value)
  const text = ordered === UNORDERABLE ? serialise(value) : JSON.stringify(ordered)
  // `<`, `>`, `&`, U+2028 and U+2029 can only occur inside strings of JSON text: escaping the whole output once is
  // the same as escaping each string, and costs one scan.
  return HAS_GO_ESCAPE.test(text) ? text.replace(GO_ESCAPES, goEscape) : text
}

const UNORDERABLE = Symbol('unorderable')

/**
 * A copy whose objects list their keys in Go's order, so that the native JSON.stringify (several times faster than
 * `serialise`) writes Go's bytes; UNORDERABLE when some object cannot hold that order (an array-index key, a key at
 * or above U+D800, `__proto__`).
 */
function inGoOrder(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const item = inGoOrder(value[i])
      if (item === UNORDERABLE) return UNORDERABLE
      copy[i] = item
    }
    return copy
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  for (const key of keys) if (!isBelowD800(key) || isArrayIndex(key) || key === '__proto__') return UNORDERABLE
  keys.sort()
  const copy: Record<string, unknown> = {}
  for (const key of keys) {
    const item = inGoOrder(record[key])
    if (item === UNORDERABLE) return UNORDERABLE
    copy[key] = item
  }
  return copy
}

/** The general case, one key at a time. */
function serialise(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  let out: string
  if (Array.isArray(value)) {
    out = '['
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + serialise(value[i])
    return out + ']'
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  keys.sort(keys.every(isBelowD800) ? undefined : compareUtf8)
  out = '{'
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    out += (i === 0 ? '' : ',') + JSON.stringify(key) + ':' + serialise(record[key])
  }
  return out + '}'
}
