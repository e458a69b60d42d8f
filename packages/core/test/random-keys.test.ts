import { describe, expect, it } from 'vitest'
import { ACCESS_KEY_ALPHABET, SECRET_KEY_ALPHABET, newAccessKeyId, newSecretAccessKey } from '../src/random-keys.js'

/** Chi-square statistic of character counts against a uniform distribution. */
function chiSquare(samples: string[], alphabet: string): number {
  const counts = new Map([...alphabet].map((c) => [c, 0]))
  let total = 0
  for (const s of samples) for (const c of s) counts.set(c, counts.get(c)! + 1), total++
  const expected = total / alphabet.length
  return [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0)
}

describe('random keys', () => {
  it('have the lengths and alphabets of AWS-style keys', () => {
    for (let i = 0; i < 2000; i++) {
      expect(newAccessKeyId()).toMatch(/^[0-9A-Z]{20}$/)
      expect(newSecretAccessKey()).toMatch(/^[A-Za-z0-9+]{40}$/)
    }
  })

  it('use every character equally often (no modulo bias)', () => {
    const access = Array.from({ length: 20000 }, newAccessKeyId)
    const secret = Array.from({ length: 10000 }, newSecretAccessKey)
    // 99.99th percentiles of chi-square with 35 and 62 degrees of freedom are about 74 and 114. A `byte % 36`
    // generator scores in the hundreds on this many samples; a `/`→`+` substitution in the thousands.
    expect(chiSquare(access, ACCESS_KEY_ALPHABET)).toBeLessThan(74)
    expect(chiSquare(secret, SECRET_KEY_ALPHABET)).toBeLessThan(114)
  })

  it('do not repeat', () => {
    const keys = new Set(Array.from({ length: 50000 }, newAccessKeyId))
    expect(keys.size).toBe(50000)
  })
})
