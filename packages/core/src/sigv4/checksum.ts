import { type Hash, createHash } from 'node:crypto'

/**
 * The flexible checksums S3 accepts in an `x-amz-checksum-<algorithm>` header or trailer, computed incrementally;
 * `digest()` gives the base64 of the big-endian value, as the header carries it. CRC64NVME is not supported.
 */
export interface Checksum {
  update(bytes: Uint8Array): void
  digest(): string
}

export const CHECKSUM_TRAILERS = ['x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256'] as const
export type ChecksumTrailer = (typeof CHECKSUM_TRAILERS)[number]

export function isChecksumTrailer(name: string): name is ChecksumTrailer {
  return (CHECKSUM_TRAILERS as readonly string[]).includes(name)
}

export function newChecksum(trailer: ChecksumTrailer): Checksum {
  switch (trailer) {
    case 'x-amz-checksum-crc32':
      return new Crc(CRC32_TABLE)
    case 'x-amz-checksum-crc32c':
      return new Crc(CRC32C_TABLE)
    case 'x-amz-checksum-sha1':
      return new Digest(createHash('sha1'))
    case 'x-amz-checksum-sha256':
      return new Digest(createHash('sha256'))
  }
}

class Digest implements Checksum {
  constructor(readonly hash: Hash) {}
  update(bytes: Uint8Array): void {
    this.hash.update(bytes)
  }
  digest(): string {
    return this.hash.digest('base64')
  }
}

/** Reflected CRC-32 with a byte table: CRC-32 (IEEE) and CRC-32C (Castagnoli) differ only in the polynomial. */
class Crc implements Checksum {
  #crc = 0xffffffff
  constructor(readonly table: Uint32Array) {}
  update(bytes: Uint8Array): void {
    let crc = this.#crc
    for (let i = 0; i < bytes.length; i++) crc = this.table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)
    this.#crc = crc
  }
  digest(): string {
    const out = Buffer.alloc(4)
    out.writeUInt32BE((this.#crc ^ 0xffffffff) >>> 0)
    return out.toString('base64')
  }
}

function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
}

const CRC32_TABLE = crcTable(0xedb88320)
const CRC32C_TABLE = crcTable(0x82f63b78)
