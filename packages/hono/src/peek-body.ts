import type { Context } from 'hono'

/**
 * Reads the body up to `limit + 1` bytes and asks `keep` whether it is ours. If not, the request gets a new body
 * stream that replays what was read and then the rest, so the host's handlers read it untouched.
 * A body the host already read (through c.req.text() and friends) comes from Hono's cache instead.
 */
export async function peekBody(c: Context, limit: number, keep: (bytes: Uint8Array) => boolean): Promise<Uint8Array | undefined> {
  if (c.req.raw.bodyUsed) {
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    return keep(bytes) ? bytes : undefined
  }
  const stream = c.req.raw.body
  if (!stream) {
    const empty = new Uint8Array(0)
    return keep(empty) ? empty : undefined
  }
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let done = false
  while (size <= limit) {
    const next = await reader.read()
    if (next.done) {
      done = true
      break
    }
    chunks.push(next.value)
    size += next.value.length
  }
  const bytes = Buffer.concat(chunks, size)
  if (keep(bytes)) {
    if (!done) void reader.cancel().catch(() => {})
    return bytes
  }
  c.req.raw = new Request(c.req.raw, { body: replay(chunks, done ? undefined : reader), duplex: 'half' } as RequestInit)
  return undefined
}

function replay(chunks: Uint8Array[], rest: ReadableStreamDefaultReader<Uint8Array> | undefined): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      if (!rest) controller.close()
    },
    async pull(controller) {
      const next = await rest!.read()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    cancel(reason) {
      return rest?.cancel(reason)
    },
  })
}
