import { timingSafeEqual } from 'node:crypto'
import { s3Errors } from '../s3-error.js'
import { type ChecksumTrailer, newChecksum } from './checksum.js'
import { FramedPayload, checkChunkSize, malformed } from './framed-payload.js'

/**
 * STREAMING-UNSIGNED-PAYLOAD-TRAILER, what recent AWS SDKs send for stream bodies: an aws-chunked body whose chunks
 * carry no signature, ended by a trailer with the checksum that x-amz-trailer announced:
 *
 *     <hex size>\r\n<size bytes>\r\n ... 0\r\n<x-amz-checksum-*>:<base64>\r\n\r\n
 *
 * The signature does not cover the payload (as with UNSIGNED-PAYLOAD); the checksum guards it against corruption.
 * Bytes pass through as they arrive, so nothing is held but the line being parsed; `end` (or the trailer) fails
 * when the checksum differs: consumers treat what they received as provisional until then, as for a sha256 payload.
 */
export interface UnsignedTrailerOptions {
  trailer: ChecksumTrailer
  decodedContentLength: number
  maxChunkSize: number
}

// A chunk-size line, or a trailer line: the base64 of a SHA-256 with its name is under 80 bytes.
const MAX_LINE = 256
const SIZE_LINE = /^([0-9a-fA-F]{1,16})(;[^\r\n]*)?$/

type State = 'size' | 'data' | 'crlf' | 'trailer' | 'done'

export class UnsignedTrailerPayload extends FramedPayload {
  readonly #trailer: ChecksumTrailer
  readonly #declared: number
  readonly #maxChunk: number
  readonly #checksum
  #state: State = 'size'
  #line: number[] = []
  #left = 0
  #crlf = 0
  #decoded = 0
  #received: string | undefined

  constructor(options: UnsignedTrailerOptions) {
    super()
    this.#trailer = options.trailer
    this.#declared = options.decodedContentLength
    this.#maxChunk = options.maxChunkSize
    this.#checksum = newChecksum(options.trailer)
  }

  protected get complete(): boolean {
    return this.#state === 'done'
  }

  protected consume(bytes: Uint8Array, out: Uint8Array[]): void {
    let i = 0
    while (i < bytes.length) {
      switch (this.#state) {
        case 'size':
        case 'trailer': {
          const b = bytes[i++]!
          if (b !== 0x0a) {
            if (this.#line.length >= MAX_LINE) throw malformed()
            this.#line.push(b)
            break
          }
          if (this.#line.pop() !== 0x0d) throw malformed()
          const line = Buffer.from(this.#line).toString('latin1')
          this.#line = []
          if (this.#state === 'size') this.#startChunk(line)
          else this.#trailerLine(line)
          break
        }
        case 'data': {
          const n = Math.min(this.#left, bytes.length - i)
          const data = bytes.subarray(i, i + n)
          this.#checksum.update(data)
          out.push(data)
          this.#left -= n
          i += n
          if (this.#left === 0) this.#state = 'crlf'
          break
        }
        case 'crlf': {
          if (bytes[i++] !== (this.#crlf === 0 ? 0x0d : 0x0a)) throw malformed()
          if (++this.#crlf === 2) {
            this.#crlf = 0
            this.#state = 'size'
          }
          break
        }
        case 'done':
          throw malformed()
      }
    }
  }

  #startChunk(line: string): void {
    const m = SIZE_LINE.exec(line)
    if (!m) throw malformed()
    const size = parseInt(m[1]!, 16)
    checkChunkSize(size, this.#decoded, this.#declared, this.#maxChunk)
    this.#decoded += size
    if (size === 0) {
      if (this.#decoded !== this.#declared) throw s3Errors.incompleteBody()
      this.#state = 'trailer'
    } else {
      this.#left = size
      this.#state = 'data'
    }
  }

  /** Trailer lines until the empty one; exactly the announced checksum, which must match. */
  #trailerLine(line: string): void {
    if (line === '') {
      if (this.#received === undefined) throw s3Errors.invalidRequest(`The ${this.#trailer} trailer is missing.`)
      const expected = Buffer.from(this.#checksum.digest())
      const received = Buffer.from(this.#received)
      if (expected.length !== received.length || !timingSafeEqual(expected, received)) throw s3Errors.badDigest(this.#trailer)
      this.#state = 'done'
      return
    }
    const colon = line.indexOf(':')
    if (colon === -1) throw malformed()
    const name = line.slice(0, colon).trim().toLowerCase()
    if (name !== this.#trailer || this.#received !== undefined) {
      throw s3Errors.invalidRequest('The aws-chunked trailer is not the one x-amz-trailer announced.')
    }
    this.#received = line.slice(colon + 1).trim()
  }
}
