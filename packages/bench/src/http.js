// @ts-check
/**
 * (b) HTTP on loopback: per framework, the full issuance against the same framework's hello world, each served by
 * its own child process on core 0, loaded by autocannon from another child on core 1.
 */
import { median } from './harness.js'
import { canPin, nextMessage, spawnChild } from './child.js'

export const FRAMEWORKS = /** @type {const} */ (['node:http', 'express', 'koa', 'hono'])
const CONNECTIONS = 32

/**
 * @param {{ path: string, size: number, rounds: number, seconds: number }} options
 * @returns {Promise<Record<string, Result>>}
 * @typedef {{ sts: Figures, hello: Figures, ratio: number, floor: Figures, floorRatio: number, ofFloor: number }} Result
 * @typedef {{ rps: number, p50: number, p99: number, failures: number }} Figures
 */
export async function httpBench({ path, size, rounds, seconds }) {
  const load = spawnChild('load.js', [], { cpu: 1 })
  /** @param {number} port @param {number} duration @returns {Promise<Figures>} */
  const run = async (port, duration) => {
    const answer = nextMessage(load)
    load.send({ url: `http://127.0.0.1:${port}${path}`, method: 'POST', seconds: duration, connections: CONNECTIONS })
    return answer
  }
  /** @type {Record<string, Result>} */
  const results = {}
  try {
    for (const framework of FRAMEWORKS) {
      // The floor too, so that the table shows what issuance over HTTP could reach at best in each framework.
      const variants = ['hello', 'sts', 'floor']
      const servers = variants.map((v) => spawnChild('server.js', [framework, v, String(size)], { cpu: 0 }))
      try {
        /** @type {number[]} */
        const ports = []
        for (const server of servers) ports.push((await nextMessage(server)).port)
        for (const port of ports) await run(port, 1) // warm-up: JIT and connection set-up
        /** @type {Figures[][]} */
        const runs = variants.map(() => [])
        for (let round = 0; round < rounds; round++) {
          for (const [i, port] of ports.entries()) runs[i]?.push(await run(port, seconds))
        }
        /** @type {Record<string, Figures[]>} */
        const samples = Object.fromEntries(variants.map((v, i) => [v, runs[i] ?? []]))
        const summarise = (/** @type {Figures[]} */ list) => ({
          rps: median(list.map((f) => f.rps)),
          p50: median(list.map((f) => f.p50)),
          p99: median(list.map((f) => f.p99)),
          failures: list.reduce((sum, f) => sum + f.failures, 0),
        })
        // Each round's runs are compared with each other, and the median of those ratios is reported: other load on the machine drifts over seconds and would skew a ratio of separate medians.
        const ratio = (/** @type {string} */ of, /** @type {string} */ to) =>
          median((samples[of] ?? []).map((f, i) => f.rps / (samples[to]?.[i]?.rps ?? NaN)))
        results[framework] = {
          sts: summarise(samples.sts ?? []),
          hello: summarise(samples.hello ?? []),
          floor: summarise(samples.floor ?? []),
          ratio: ratio('sts', 'hello'),
          floorRatio: ratio('floor', 'hello'),
          ofFloor: ratio('sts', 'floor'),
        }
      } finally {
        for (const server of servers) server.kill()
      }
    }
  } finally {
    load.kill()
  }
  return results
}

export { canPin }
