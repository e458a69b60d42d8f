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

export function goJson(value: unknown): string {
  const text = serialise(value)
  // `<`, `>`, `&`, U+2028 and U+2029 can only occur inside strings of JSON text: escaping the whole output once is
  // the same as escaping each string, and costs one scan.
  return HAS_GO_ESCAPE.test(text) ? text.replace(GO_ESCAPES, goEscape) : text
}

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
