import { createHash, timingSafeEqual } from 'node:crypto'
import { s3Errors } from '../s3-error.js'
import { EMPTY_SHA256, type Scope, hmacHex, scopeString } from './canonical-request.js'
import { FramedPayload, checkChunkSize, malformed } from './framed-payload.js'

/**
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD: the aws-chunked body, each chunk signed in a chain that starts at the
 * request's own (seed) signature:
 *
 *     <hex size>;chunk-signature=<64 hex>\r\n<size bytes>\r\n ... 0;chunk-signature=<64 hex>\r\n\r\n
 *
 * with, for each chunk, the string to sign
 * `AWS4-HMAC-SHA256-PAYLOAD\n<amz date>\n<scope>\n<previous signature>\n<sha256("")>\n<sha256(chunk)>`.
 * A chunk's bytes are handed on only once its signature has been checked, so the decoder holds at most one chunk
 * (bounded by `maxChunkSize`); the decoded length must equal x-amz-decoded-content-length.
 */

export interface ChunkedPayloadOptions {
  signingKey: Uint8Array
  amzDate: string
  scope: Scope
  seedSignature: string
  decodedContentLength: number
  /** Largest chunk accepted, in bytes. MinIO's limit, 16 MiB, by default. */
  maxChunkSize?: number
}

export const DEFAULT_MAX_CHUNK_SIZE = 16 * 1024 * 1024
// "ffffffff;chunk-signature=<64 hex>" is 90 bytes; anything much longer is not a chunk header.
const MAX_HEADER_LINE = 256
const HEADER = /^([0-9a-fA-F]{1,16});chunk-signature=([0-9a-f]{64})$/

type State = 'header' | 'data' | 'crlf' | 'done'

export class ChunkedPayload extends FramedPayload {
  readonly #key: Uint8Array
  readonly #prefix: string
  readonly #declared: number
  readonly #maxChunk: number
  #previous: string
  #state: State = 'header'
  #line: number[] = []
  #chunk: Buffer = Buffer.alloc(0)
  #filled = 0
  #chunkSignature = ''
  #crlf = 0
  #decoded = 0

  constructor(options: ChunkedPayloadOptions) {
    super()
    this.#key = options.signingKey
    this.#prefix = `AWS4-HMAC-SHA256-PAYLOAD\n${options.amzDate}\n${scopeString(options.scope)}\n`
    this.#previous = options.seedSignature
    this.#declared = options.decodedContentLength
    this.#maxChunk = options.maxChunkSize ?? DEFAULT_MAX_CHUNK_SIZE
  }

  protected get complete(): boolean {
    return this.#state === 'done'
  }

  protected consume(bytes: Uint8Array, out: Uint8Array[]): void {
    let i = 0
    while (i < bytes.length) {
      switch (this.#state) {
        case 'header': {
          const b = bytes[i++]!
          if (b !== 0x0a) {
            if (this.#line.length >= MAX_HEADER_LINE) throw malformed()
            this.#line.push(b)
            break
          }
          if (this.#line.pop() !== 0x0d) throw malformed()
          this.#startChunk(Buffer.from(this.#line).toString('latin1'))
          this.#line = []
          break
        }
        case 'data': {
          const n = Math.min(this.#chunk.length - this.#filled, bytes.length - i)
          this.#chunk.set(bytes.subarray(i, i + n), this.#filled)
          this.#filled += n
          i += n
          if (this.#filled === this.#chunk.length) this.#state = 'crlf'
          break
        }
        case 'crlf': {
          if (bytes[i++] !== (this.#crlf === 0 ? 0x0d : 0x0a)) throw malformed()
          if (++this.#crlf === 2) {
            const verified = this.#finishChunk()
            if (verified.length > 0) out.push(verified)
          }
          break
        }
        case 'done':
          // Trailers (STREAMING-...-TRAILER) are a different content-sha256 value: here nothing may follow.
          throw malformed()
      }
    }
  }

  #startChunk(line: string): void {
    const m = HEADER.exec(line)
    if (!m) throw malformed()
    const size = parseInt(m[1]!, 16)
    checkChunkSize(size, this.#decoded, this.#declared, this.#maxChunk)
    this.#chunk = Buffer.allocUnsafe(size)
    this.#filled = 0
    this.#chunkSignature = m[2]!
    this.#crlf = 0
    this.#state = size === 0 ? 'crlf' : 'data'
  }

  #finishChunk(): Buffer {
    const chunk = this.#chunk
    const hash = createHash('sha256').update(chunk).digest('hex')
    const expected = hmacHex(this.#key, `${this.#prefix}${this.#previous}\n${EMPTY_SHA256}\n${hash}`)
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(this.#chunkSignature))) throw s3Errors.signatureMismatch()
    this.#previous = expected
    this.#decoded += chunk.length
    if (chunk.length === 0) {
      if (this.#decoded !== this.#declared) throw s3Errors.incompleteBody()
      this.#state = 'done'
    } else this.#state = 'header'
    this.#chunk = Buffer.alloc(0)
    return chunk
  }
}
