/**
 * Go's `url.ParseQuery`, `Values.Set` and `Values.Encode`, byte for byte: MinIO adds the token to the plugin URL's
 * query this way, and a plugin that reads its query (or logs it) must see the same string from us as from MinIO.
 *
 * Keys and values are kept as bytes, since Go's strings may hold any bytes after unescaping and Encode escapes them
 * again one byte at a time.
 */

/** `rawQuery` with every `key` parameter replaced by one holding `value`, the keys sorted as Go sorts them. */
export function setQueryParameter(rawQuery: string, key: string, value: string): string {
  const values = parseQuery(rawQuery)
  const keyBytes = Buffer.from(key, 'utf8')
  const kept = values.filter(([k]) => !k.equals(keyBytes))
  kept.push([keyBytes, Buffer.from(value, 'utf8')])
  return encode(kept)
}

type Pair = [key: Buffer, value: Buffer]

/**
 * Go's ParseQuery: `&` separates pairs; a pair holding `;` is an error, and a pair that does not unescape is
 * dropped (MinIO ignores the error, so those pairs are silently lost, as here).
 */
function parseQuery(rawQuery: string): Pair[] {
  const pairs: Pair[] = []
  for (const part of rawQuery.split('&')) {
    if (part === '' || part.includes(';')) continue
    const eq = part.indexOf('=')
    const key = queryUnescape(eq === -1 ? part : part.slice(0, eq))
    const value = queryUnescape(eq === -1 ? '' : part.slice(eq + 1))
    if (key !== undefined && value !== undefined) pairs.push([key, value])
  }
  return pairs
}

/** Keys in bytewise order (a stable sort keeps each key's values in their order), `k=v` joined by `&`. */
function encode(pairs: Pair[]): string {
  return [...pairs]
    .sort((a, b) => Buffer.compare(a[0], b[0]))
    .map(([k, v]) => `${queryEscape(k)}=${queryEscape(v)}`)
    .join('&')
}

const HEX = /^[0-9A-Fa-f]{2}$/

/** Go's QueryUnescape: `+` is a space, `%XX` a byte; a malformed escape is an error (undefined). */
function queryUnescape(text: string): Buffer | undefined {
  const raw = Buffer.from(text, 'utf8')
  const out: number[] = []
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!
    if (byte === 0x25 /* % */) {
      const hex = raw.subarray(i + 1, i + 3).toString('latin1')
      if (!HEX.test(hex)) return undefined
      out.push(parseInt(hex, 16))
      i += 2
    } else out.push(byte === 0x2b /* + */ ? 0x20 : byte)
  }
  return Buffer.from(out)
}

/** Go's QueryEscape: letters, digits and `-_.~` stay, a space becomes `+`, every other byte `%XX` (upper case). */
function queryEscape(bytes: Buffer): string {
  let out = ''
  for (const byte of bytes) {
    const c = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c
    else if (byte === 0x20) out += '+'
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
