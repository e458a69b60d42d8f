import { s3Errors } from '../s3-error.js'
import type { PayloadDecoder } from './payload.js'

/**
 * What the aws-chunked decoders share: a parser fed bytes as they arrive. Payload parsed before an error in the same
 * bytes is still handed on (it was verified, or is provisional anyway); the error comes with the next call.
 */
export const malformed = () => s3Errors.invalidRequest('The aws-chunked payload is malformed.')

/** A chunk of `size` bytes, after `decoded` bytes, must fit both the chunk limit and the declared decoded length. */
export function checkChunkSize(size: number, decoded: number, declared: number, maxChunk: number): void {
  if (size > maxChunk) throw s3Errors.invalidRequest(`An aws-chunked chunk is larger than ${maxChunk} bytes.`)
  if (decoded + size > declared) {
    throw s3Errors.invalidRequest('The aws-chunked payload is longer than x-amz-decoded-content-length.')
  }
}

export abstract class FramedPayload implements PayloadDecoder {
  #error: unknown

  /** Parses `bytes`, appending the payload it yields to `out`; throws at the first byte that does not fit. */
  protected abstract consume(bytes: Uint8Array, out: Uint8Array[]): void

  /** Whether the final frame has been read. */
  protected abstract get complete(): boolean

  push(bytes: Uint8Array): Uint8Array[] {
    if (this.#error) throw this.#error
    const out: Uint8Array[] = []
    try {
      this.consume(bytes, out)
    } catch (error) {
      if (out.length === 0) throw error
      this.#error = error
    }
    return out
  }

  end(): Uint8Array[] {
    if (this.#error) throw this.#error
    if (!this.complete) throw s3Errors.incompleteBody()
    return []
  }
}
