// @ts-check
/**
 * Child process: the load generator, kept apart from the server (and pinned to another core when taskset exists).
 * Receives { url, method, seconds, connections } over IPC and answers with the run's throughput and latency.
 */
import autocannon from 'autocannon'

process.on('message', async (/** @type {{ url: string, method: 'POST', seconds: number, connections: number }} */ job) => {
  const result = await autocannon({
    url: job.url,
    method: job.method,
    duration: job.seconds,
    connections: job.connections,
    pipelining: 1,
  })
  process.send?.({
    rps: result.requests.total / (result.duration || job.seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  })
})
process.on('disconnect', () => process.exit(0))
