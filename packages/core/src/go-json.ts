/**
 * JSON exactly as Go's encoding/json writes a map[string]interface{}: keys sorted bytewise at every level, compact,
 * and `<`, `>`, `&`, U+2028, U+2029 escaped. MinIO signs that serialisation, so the seed's token is only reproduced
 * byte for byte this way.
 */

const GO_ESCAPES = /[<>&\u2028\u2029]/g
const goEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

// Go compares UTF-8 bytes; UTF-16 code unit order differs only above U+D7FF, so ASCII-only keys take the fast path.
function compareKeys(a: string, b: string): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\ud7ff]*$/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

export function goJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value)
    return typeof value === 'string' ? text.replace(GO_ESCAPES, goEscape) : text
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort(compareKeys)
  return `{${keys.map((k) => `${goJson(k)}:${goJson(record[k])}`).join(',')}}`
}
