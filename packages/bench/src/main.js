// @ts-check
/**
 * `pnpm bench`: measures the built packages against their floors, prints one table of medians and in-run ratios
 * with their targets, and exits 1 when a target is missed. Ratios, not absolute figures, are comparable between
 * runs on a shared machine.
 */
import { availableParallelism } from 'node:os'
import { runChild } from './child.js'
import { benchSts, issueOnce, issuePath } from './fixture.js'
import { FRAMEWORKS, canPin, httpBench } from './http.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
// HTTP runs are short and many: pairs close in time share the machine's background load.
const HTTP_ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 7)
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 1)
const MiB = 1024 * 1024

/** @typedef {{ name: string, measured: string, reference: string, ratio?: number, target?: number, pass: boolean | undefined, note?: string }} Row */
/** @type {Row[]} */
const rows = []
const int = (/** @type {number} */ n) => Math.round(n).toLocaleString('en-US')
const mib = (/** @type {number} */ bytes) => `${(bytes / MiB).toFixed(1)} MiB`
/** @param {string} name @param {string} measured @param {string} reference @param {number} ratio @param {number} target */
const ratioRow = (name, measured, reference, ratio, target) => rows.push({ name, measured, reference, ratio, target, pass: ratio >= target })

const started = performance.now()
const log = (/** @type {string} */ text) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${text}`)

// (a) In-process issuance
log('in-process issuance vs floor')
const a = await runChild('in-process.js', ['issuance'])
ratioRow('a. handle(), sequential', `${int(a.result.handleSequential)} /s`, `floor ${int(a.result.floorSequential)} /s`, a.result.handleSequential / a.result.floorSequential, 0.5)
ratioRow('a. handle(), 64 in flight', `${int(a.result.handleConcurrent)} /s`, `floor ${int(a.result.floorConcurrent)} /s`, a.result.handleConcurrent / a.result.floorConcurrent, 0.5)

// (b) HTTP
log(`HTTP, ${FRAMEWORKS.length} frameworks x ${HTTP_ROUNDS} rounds x ${HTTP_SECONDS} s x 2, taskset ${canPin ? 'on' : 'off'}`)
const sts = benchSts()
const size = Buffer.byteLength((await issueOnce(sts)).body)
const http = await httpBench({ path: issuePath(/** @type {string} */ (sts.roleArns[0])), size, rounds: HTTP_ROUNDS, seconds: HTTP_SECONDS })
/** @param {{ rps: number, p50: number, p99: number }} f */
const httpFigures = (f) => `${int(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms`
for (const framework of FRAMEWORKS) {
  const result = http[framework]
  if (!result) continue
  const target = framework === 'express' ? 0.75 : 0.5
  ratioRow(`b. ${framework} issuance vs hello`, httpFigures(result.sts), `hello ${httpFigures(result.hello)}`, result.ratio, target)
  // No target: the best any issuance could reach against this hello world, on this machine, in this run.
  rows.push({
    name: `b. ${framework} floor vs hello (ceiling)`,
    measured: httpFigures(result.floor),
    reference: `hello ${httpFigures(result.hello)}`,
    ratio: result.floorRatio,
    note: `issuance = ${(result.ofFloor * 100).toFixed(0)} % of floor`,
    pass: undefined,
  })
  const failures = result.sts.failures + result.hello.failures + result.floor.failures
  if (failures > 0) rows.push({ name: `b. ${framework} failed requests`, measured: String(failures), reference: '0', pass: false })
}

// (c) SigV4 verification
log('SigV4 verification vs floor')
const c = await runChild('in-process.js', ['verification'])
if (c.result) {
  ratioRow('c. authenticate(), SigV4 header', `${int(c.result.authenticate)} /s`, `floor ${int(c.result.floor)} /s`, c.result.authenticate / c.result.floor, 0.5)
} else rows.push({ name: 'c. authenticate(), SigV4 header', measured: 'n/a (not built yet)', reference: '', pass: undefined })

// (d) Memory
log('memory: 1,000,000 issuances, then expiry + sweep')
const d = await runChild('memory.js', [], { nodeArgs: ['--expose-gc'] })
rows.push({
  name: `d. after ${int(d.issuances)} issuances (${int(d.issuances / d.seconds)} /s)`,
  // Per stored credential: what a regression in the entries' shape (strings kept in pieces, say) shows first.
  measured: `store.size ${int(d.issued.size)}, heap ${mib(d.issued.heapUsed)} (${int((d.issued.heapUsed - d.baseline.heapUsed) / Math.max(1, d.issued.size))} B each), RSS ${mib(d.issued.rss)}`,
  reference: `maxEntries ${int(d.maxEntries)} (default); baseline heap ${mib(d.baseline.heapUsed)}, RSS ${mib(d.baseline.rss)}`,
  note: 'size ≤ maxEntries',
  pass: d.issued.size <= d.maxEntries,
})
// "Near baseline": what is left after the sweep is under 5 % of what the full store held, or under 4 MiB.
const held = d.issued.heapUsed - d.baseline.heapUsed
const left = d.expired.heapUsed - d.baseline.heapUsed
rows.push({
  name: `d. after expiry + one sweep (${d.sweepIntervalMs} ms)`,
  measured: `store.size ${int(d.expired.size)}, heap ${mib(d.expired.heapUsed)}, RSS ${mib(d.expired.rss)}`,
  reference: `baseline heap ${mib(d.baseline.heapUsed)}`,
  note: 'size 0, heap ≤ baseline + max(5 % of held, 4 MiB)',
  pass: d.expired.size === 0 && left <= Math.max(0.05 * held, 4 * MiB),
})

// The table
const cells = rows.map((r) => [
  r.name,
  r.measured,
  r.reference,
  r.ratio === undefined ? '' : `${(r.ratio * 100).toFixed(0)} %`,
  r.target === undefined ? (r.note ?? '') : `≥ ${(r.target * 100).toFixed(0)} %`,
  r.pass === undefined ? 'n/a' : r.pass ? 'PASS' : 'MISS',
])
const header = ['case', 'measured', 'reference (same run)', 'ratio', 'target', 'result']
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)))
const line = (/** @type {string[]} */ row) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`
console.log()
console.log(`Node ${process.version}, ${availableParallelism()} cores, medians of ${ROUNDS} rounds in process; HTTP: autocannon, 32 connections, medians of ${HTTP_ROUNDS} rounds of ${HTTP_SECONDS} s per run, ratio = median of per-round ratios, ${canPin ? 'server pinned to core 0 and load generator to core 1 with taskset' : 'taskset unavailable: not pinned'}`)
console.log()
console.log(line(header))
console.log(line(widths.map((w) => '-'.repeat(w))))
for (const row of cells) console.log(line(row))
const missed = rows.filter((r) => r.pass === false)
console.log()
console.log(missed.length === 0 ? 'All targets met.' : `${missed.length} target(s) missed: ${missed.map((r) => r.name).join('; ')}`)
log('done')
process.exitCode = missed.length === 0 ? 0 : 1
