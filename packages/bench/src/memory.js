// @ts-check
/**
 * (d) Child process, run with --expose-gc: RSS and heap after 1,000,000 issuances into the default in-memory store
 * (default maxEntries), then after their expiry plus one sweep, on a clock the bench moves forward itself.
 */
import { MemoryCredentialStore } from '@custom-token-sts/core'
import { VALIDITY_SECONDS, benchSts, issueRequest } from './fixture.js'

const ISSUANCES = Number(process.env.BENCH_ISSUANCES ?? 1_000_000)
const SWEEP_MS = 200
// MemoryCredentialStore's documented default; the store is created without maxEntries, so this is its bound.
const DEFAULT_MAX_ENTRIES = 100_000
const gc = /** @type {() => void} */ (globalThis.gc)
if (typeof gc !== 'function') throw new Error('run with --expose-gc')

let clock = Date.now()
const now = () => clock
const store = new MemoryCredentialStore({ now, sweepIntervalMs: SWEEP_MS })
const sts = benchSts({ store, now })
const request = issueRequest(sts)

const measure = () => {
  gc()
  gc()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}
const pause = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Warm up (and load every module) before the baseline, then empty the store again.
for (let i = 0; i < 1000; i++) await sts.handle(request)
clock += (VALIDITY_SECONDS + 1) * 1000
await pause(SWEEP_MS * 2)
clock = Date.now()
const baseline = measure()

const started = performance.now()
const BATCH = 64 // in flight at once, as under load
for (let i = 0; i < ISSUANCES; i += BATCH) {
  const answers = await Promise.all(Array.from({ length: Math.min(BATCH, ISSUANCES - i) }, () => sts.handle(request)))
  for (const answer of answers) if (answer.status !== 200) throw new Error(`issuance answered ${answer.status}`)
  if (i % 10_240 === 0) await new Promise((resolve) => setImmediate(resolve)) // let the sweep timer run, as a server would
}
const seconds = (performance.now() - started) / 1000
const issued = { ...measure(), size: store.size }

clock += (VALIDITY_SECONDS + 1) * 1000 // every credential has now expired
await pause(SWEEP_MS * 2) // the sweep timer fires within one interval
const expired = { ...measure(), size: store.size }
store.close()

process.send?.({ issuances: ISSUANCES, seconds, maxEntries: DEFAULT_MAX_ENTRIES, sweepIntervalMs: SWEEP_MS, baseline, issued, expired })
