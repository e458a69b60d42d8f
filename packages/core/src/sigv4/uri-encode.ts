/**
 * SigV4's URI encoding: every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~) becomes %XX with
 * upper-case hex. Works on bytes, not characters, so that invalid UTF-8 a client percent-encoded survives the round
 * trip exactly as the client encoded it when signing.
 */

const HEX = '0123456789ABCDEF'

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e
  )
}

export function encodeBytes(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += isUnreserved(b) ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`
  return out
}

export function uriEncode(text: string): string {
  return encodeBytes(Buffer.from(text, 'utf8'))
}

const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

/**
 * Percent-decodes to bytes. A `%` not followed by two hex digits stays a literal `%` (lenient, as Go's url package
 * is not, but a request that malformed can only fail the signature check, never pass it wrongly).
 * With `plusIsSpace`, `+` means a space, as in a query string (what MinIO's url.ParseQuery does).
 */
export function percentDecode(text: string, plusIsSpace: boolean): Uint8Array {
  const raw = Buffer.from(text, 'utf8')
  const out = Buffer.allocUnsafe(raw.length)
  let n = 0
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!
    if (b === 0x25 && i + 2 < raw.length && isHex(raw[i + 1]!) && isHex(raw[i + 2]!)) {
      out[n++] = parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16)
      i += 2
    } else if (b === 0x2b && plusIsSpace) out[n++] = 0x20
    else out[n++] = b
  }
  return out.subarray(0, n)
}

/** Decodes then re-encodes: the canonical form of one path segment or query component, whatever the client sent. */
export function canonicalComponent(text: string, plusIsSpace: boolean): string {
  return encodeBytes(percentDecode(text, plusIsSpace))
}
