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
 * @returns {Promise<Record<string, { sts: Figures, hello: Figures, ratio: number }>>}
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
  /** @type {Record<string, { sts: Figures, hello: Figures, ratio: number }>} */
  const results = {}
  try {
    for (const framework of FRAMEWORKS) {
      const servers = { hello: spawnChild('server.js', [framework, 'hello', String(size)], { cpu: 0 }), sts: spawnChild('server.js', [framework, 'sts', String(size)], { cpu: 0 }) }
      try {
        const ports = { hello: (await nextMessage(servers.hello)).port, sts: (await nextMessage(servers.sts)).port }
        await run(ports.hello, 1) // warm-up: JIT and connection set-up
        await run(ports.sts, 1)
        /** @type {{ hello: Figures[], sts: Figures[] }} */
        const samples = { hello: [], sts: [] }
        for (let round = 0; round < rounds; round++) {
          samples.hello.push(await run(ports.hello, seconds))
          samples.sts.push(await run(ports.sts, seconds))
        }
        const summarise = (/** @type {Figures[]} */ list) => ({
          rps: median(list.map((f) => f.rps)),
          p50: median(list.map((f) => f.p50)),
          p99: median(list.map((f) => f.p99)),
          failures: list.reduce((sum, f) => sum + f.failures, 0),
        })
        // Each round's issuance run is compared with the hello run just before it, and the median of those ratios
        // is reported: other load on the machine drifts over seconds and would skew a ratio of separate medians.
        const ratio = median(samples.sts.map((f, i) => f.rps / (samples.hello[i]?.rps ?? NaN)))
        results[framework] = { sts: summarise(samples.sts), hello: summarise(samples.hello), ratio }
      } finally {
        servers.hello.kill()
        servers.sts.kill()
      }
    }
  } finally {
    load.kill()
  }
  return results
}

export { canPin }
