/** For the examples' tests: start an example server as its own process, on a free loopback port. */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const DEMO_ROLE_ARN = 'arn:minio:iam:::role/idmp-vGxBdLkOc8mQPU1-UQbBh-yWWVQ'

const examplesDir = fileURLToPath(new URL('..', import.meta.url))

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface RunningExample {
  endpoint: string
  child: ChildProcess
  /** Everything it printed so far. */
  output(): string
  stop(): void
}

/** Starts `examples/<name>/server.js` and resolves once it has printed its `RoleArn:` line. */
export async function startExample(name: string, env: Record<string, string> = {}): Promise<RunningExample> {
  const port = await freePort()
  const child = spawn(process.execPath, ['server.js'], {
    cwd: `${examplesDir}${name}`,
    env: { ...process.env, PORT: String(port), STS_SIGNING_KEY: 'an example signing key of 32 bytes or more', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 15_000)
    const check = () => {
      if (!output.includes('RoleArn: ')) return
      clearTimeout(timer)
      child.stdout!.off('data', check)
      resolve()
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${output}`)))
  })
  return { endpoint: `http://127.0.0.1:${port}`, child, output: () => output, stop: () => child.kill() }
}
