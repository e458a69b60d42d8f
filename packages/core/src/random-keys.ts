import { randomFillSync } from 'node:crypto'

/**
 * Access keys and secret keys from a CSPRNG, by rejection sampling so that every character is equally likely
 * (MinIO's `byte % 36` and its `/`→`+` substitution are both biased). Random bytes are drawn in blocks: one
 * syscall serves about sixty credentials.
 */

const pool = Buffer.alloc(4096)
let offset = pool.length

function randomByte(): number {
  if (offset === pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  return pool[offset++]!
}

// Characters are collected here and read out as one flat string: appended one by one, V8 would keep a chain of
// string pieces per key, alive as long as the credentials are stored (about 850 bytes per stored credential).
const chosen = Buffer.alloc(64)

function randomString(alphabet: string, length: number, mask: number): string {
  // Only bytes below the largest multiple of the alphabet size under `mask + 1` are used.
  const limit = Math.floor((mask + 1) / alphabet.length) * alphabet.length
  let n = 0
  while (n < length) {
    const b = randomByte() & mask
    if (b < limit) chosen[n++] = alphabet.charCodeAt(b % alphabet.length)
  }
  return chosen.toString('latin1', 0, length)
}

export const ACCESS_KEY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
export const SECRET_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+'

/** 20 characters of [0-9A-Z]. */
export const newAccessKeyId = () => randomString(ACCESS_KEY_ALPHABET, 20, 0xff)

/** 40 characters of [A-Za-z0-9+]. */
export const newSecretAccessKey = () => randomString(SECRET_KEY_ALPHABET, 40, 0x3f)
