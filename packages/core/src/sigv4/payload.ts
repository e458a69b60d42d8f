import { createHash, timingSafeEqual } from 'node:crypto'
import { s3Errors } from '../s3-error.js'

/**
 * A push decoder over the raw request body. `push` takes body bytes as they arrive and returns the payload bytes
 * that may be handed on; `end` is called once the body ended and throws when the body did not match what was
 * signed. Every refusal is an `S3AuthError`. Never holds more than one aws-chunked chunk.
 */
export interface PayloadDecoder {
  push(bytes: Uint8Array): Uint8Array[]
  end(): Uint8Array[]
}

/** UNSIGNED-PAYLOAD: the signature does not cover the body; it passes through untouched. */
export class UnsignedPayload implements PayloadDecoder {
  push(bytes: Uint8Array): Uint8Array[] {
    return [bytes]
  }
  end(): Uint8Array[] {
    return []
  }
}

/**
 * A hex SHA-256 in x-amz-content-sha256: bytes pass through as they come (holding them back would mean holding the
 * whole body), and `end` fails with XAmzContentSHA256Mismatch if the hash differs. A consumer must therefore treat
 * what it received as provisional until the body ended without error (write to a temporary file, then rename).
 */
export class Sha256Payload implements PayloadDecoder {
  readonly #hash = createHash('sha256')
  readonly #expected: Buffer

  constructor(expectedHex: string) {
    this.#expected = Buffer.from(expectedHex.toLowerCase(), 'hex')
  }

  push(bytes: Uint8Array): Uint8Array[] {
    this.#hash.update(bytes)
    return [bytes]
  }

  end(): Uint8Array[] {
    const actual = this.#hash.digest()
    if (actual.length !== this.#expected.length || !timingSafeEqual(actual, this.#expected)) throw s3Errors.contentSha256Mismatch()
    return []
  }
}

export type BodySource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>

const toBytes = (chunk: Uint8Array | string): Uint8Array => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)

/**
 * Runs a body through a decoder: yields payload bytes as they are ready and throws the decoder's `S3AuthError`
 * where the body stops matching (at the end for a hashed payload, at the bad chunk for aws-chunked).
 * Takes a Node request (an async iterable of Buffers), a Web ReadableStream, or any iterable of byte chunks.
 */
export async function* decodeBody(decoder: PayloadDecoder, source: BodySource): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of source) {
    for (const out of decoder.push(toBytes(chunk))) if (out.length > 0) yield out
  }
  for (const out of decoder.end()) if (out.length > 0) yield out
}

/** The same for a body already in memory: the payload, or the decoder's `S3AuthError`. */
export function decodeBufferedBody(decoder: PayloadDecoder, body: Uint8Array | string): Buffer {
  return Buffer.concat([...decoder.push(toBytes(body)), ...decoder.end()])
}
