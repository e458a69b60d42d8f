import { createHash, randomBytes } from 'node:crypto'
import * as zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { S3AuthError } from '../src/index.js'
import { type ChecksumTrailer, newChecksum } from '../src/sigv4/checksum.js'
import { decodeBufferedBody } from '../src/sigv4/payload.js'
import { UnsignedTrailerPayload } from '../src/sigv4/unsigned-trailer-payload.js'

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')
const checksumOf = (trailer: ChecksumTrailer, data: Uint8Array) => {
  const c = newChecksum(trailer)
  c.update(data)
  return c.digest()
}

describe('checksums', () => {
  it('match the published check values for "123456789"', () => {
    const check = Buffer.from('123456789')
    expect(checksumOf('x-amz-checksum-crc32', check)).toBe(b64('cbf43926'))
    expect(checksumOf('x-amz-checksum-crc32c', check)).toBe(b64('e3069283'))
    expect(checksumOf('x-amz-checksum-sha1', check)).toBe(createHash('sha1').update(check).digest('base64'))
    expect(checksumOf('x-amz-checksum-sha256', check)).toBe(createHash('sha256').update(check).digest('base64'))
  })

  it('CRC32 agrees with zlib over random data fed in pieces', () => {
    const data = randomBytes(100_003)
    const c = newChecksum('x-amz-checksum-crc32')
    for (let i = 0; i < data.length; i += 777) c.update(data.subarray(i, i + 777))
    const expected = Buffer.alloc(4)
    expected.writeUInt32BE((zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32?.(data) ?? 0)
    // zlib.crc32 exists from Node 20.15; the published check value above covers older versions.
    if ('crc32' in zlib) expect(c.digest()).toBe(expected.toString('base64'))
  })
})

/** The aws-chunked body as the AWS SDK encodes it (getAwsChunkedEncodingStream). */
function encode(payload: Buffer, chunkSize: number, trailerLine: string): Buffer {
  const parts: Buffer[] = []
  for (let i = 0; i < payload.length; i += chunkSize) {
    const chunk = payload.subarray(i, i + chunkSize)
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`0\r\n${trailerLine}\r\n\r\n`))
  return Buffer.concat(parts)
}

const decoder = (length: number, trailer: ChecksumTrailer = 'x-amz-checksum-crc32') =>
  new UnsignedTrailerPayload({ trailer, decodedContentLength: length, maxChunkSize: 1 << 20 })

function refusal(run: () => unknown) {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(S3AuthError)
    return [(error as S3AuthError).status, (error as S3AuthError).code]
  }
  throw new Error('expected a refusal')
}

describe('STREAMING-UNSIGNED-PAYLOAD-TRAILER decoder', () => {
  const payload = randomBytes(70_000)
  const trailer = `x-amz-checksum-crc32:${checksumOf('x-amz-checksum-crc32', payload)}`

  it('decodes the payload, whatever the byte boundaries', () => {
    const body = encode(payload, 65_536, trailer)
    expect(decodeBufferedBody(decoder(payload.length), body).equals(payload)).toBe(true)
    const d = decoder(payload.length)
    const out: Uint8Array[] = []
    for (let i = 0; i < body.length; i += 7) out.push(...d.push(body.subarray(i, i + 7)))
    out.push(...d.end())
    expect(Buffer.concat(out).equals(payload)).toBe(true)
  })

  it('decodes an empty payload', () => {
    const empty = Buffer.alloc(0)
    const body = Buffer.from(`0\r\nx-amz-checksum-sha256:${checksumOf('x-amz-checksum-sha256', empty)}\r\n\r\n`)
    expect(decodeBufferedBody(decoder(0, 'x-amz-checksum-sha256'), body).length).toBe(0)
  })

  it('refuses a checksum that does not match with BadDigest', () => {
    const altered = Buffer.from(payload)
    altered[5]! ^= 1
    expect(refusal(() => decodeBufferedBody(decoder(payload.length), encode(altered, 65_536, trailer)))).toEqual([400, 'BadDigest'])
  })

  it('refuses a missing, repeated or other trailer, a truncated body, and a length other than declared', () => {
    const body = encode(payload, 65_536, trailer)
    const noTrailer = Buffer.concat([body.subarray(0, body.length - trailer.length - 4), Buffer.from('\r\n')])
    expect(refusal(() => decodeBufferedBody(decoder(payload.length), noTrailer))).toEqual([400, 'InvalidRequest'])
    expect(refusal(() => decodeBufferedBody(decoder(payload.length), encode(payload, 65_536, `${trailer}\r\n${trailer}`)))).toEqual([400, 'InvalidRequest'])
    const other = `x-amz-checksum-sha1:${checksumOf('x-amz-checksum-sha1', payload)}`
    expect(refusal(() => decodeBufferedBody(decoder(payload.length), encode(payload, 65_536, other)))).toEqual([400, 'InvalidRequest'])
    expect(refusal(() => decodeBufferedBody(decoder(payload.length), body.subarray(0, 1000)))).toEqual([400, 'IncompleteBody'])
    expect(refusal(() => decodeBufferedBody(decoder(payload.length + 1), body))).toEqual([400, 'IncompleteBody'])
    expect(refusal(() => decodeBufferedBody(decoder(payload.length - 1), body))).toEqual([400, 'InvalidRequest'])
    expect(refusal(() => decodeBufferedBody(decoder(payload.length), Buffer.concat([body, Buffer.from('x')])))).toEqual([400, 'InvalidRequest'])
  })
})
