import { createHash, createHmac } from 'node:crypto'

/**
 * A test-only aws-chunked encoder, written from AWS's description and independent of the source under test; the
 * vectors test checks it against AWS's documented example.
 */
export interface ChunkSigning {
  secretAccessKey: string
  scope: { date: string; region: string; service: string }
  amzDate: string
  seedSignature: string
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')
const hmac = (key: Uint8Array | string, data: string) => createHmac('sha256', key).update(data).digest()

export function awsChunkedBody(payload: Uint8Array, chunkSize: number, signing: ChunkSigning): Buffer {
  const { scope } = signing
  const key = hmac(hmac(hmac(hmac(`AWS4${signing.secretAccessKey}`, scope.date), scope.region), scope.service), 'aws4_request')
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`
  let previous = signing.seedSignature
  const parts: Buffer[] = []
  const add = (chunk: Uint8Array) => {
    const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${signing.amzDate}\n${scopeText}\n${previous}\n${sha256('')}\n${sha256(chunk)}`
    previous = createHmac('sha256', key).update(toSign).digest('hex')
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), Buffer.from(chunk), Buffer.from('\r\n'))
  }
  for (let i = 0; i < payload.length; i += chunkSize) add(payload.subarray(i, i + chunkSize))
  add(new Uint8Array(0))
  return Buffer.concat(parts)
}

/** The length of the aws-chunked body for a payload, for Content-Length, which the client signs before the body. */
export function awsChunkedLength(payloadLength: number, chunkSize: number): number {
  const line = (size: number) => size.toString(16).length + ';chunk-signature='.length + 64 + 2 + size + 2
  let total = 0
  for (let left = payloadLength; left > 0; left -= chunkSize) total += line(Math.min(left, chunkSize))
  return total + line(0)
}
