// @ts-check
/** Timing helpers: throughput of an async operation for a fixed time, and medians. */

/**
 * Operations per second of `op` run for `ms`, with `concurrency` calls in flight (each worker awaits its call
 * before starting the next, as a server's connections would).
 * @param {() => unknown} op
 * @param {{ ms: number, concurrency?: number }} options
 */
export async function throughput(op, { ms, concurrency = 1 }) {
  let count = 0
  const start = performance.now()
  const end = start + ms
  const worker = async () => {
    while (performance.now() < end) {
      await op()
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return count / ((performance.now() - start) / 1000)
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? /** @type {number} */ (sorted[mid]) : (/** @type {number} */ (sorted[mid - 1]) + /** @type {number} */ (sorted[mid])) / 2
}

/**
 * Runs every case once per round, in turn, so that a noisy moment on the shared machine hits all of them alike;
 * the first round only warms up. Returns each case's median.
 * @template {string} K
 * @param {number} rounds
 * @param {Record<K, () => Promise<number>>} cases
 * @returns {Promise<Record<K, number>>}
 */
export async function interleaved(rounds, cases) {
  const names = /** @type {K[]} */ (Object.keys(cases))
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = -1; round < rounds; round++) {
    for (const name of names) {
      const value = await cases[name]()
      if (round >= 0) samples[name]?.push(value)
    }
  }
  return /** @type {Record<K, number>} */ (Object.fromEntries(names.map((n) => [n, median(samples[n] ?? [])])))
}
