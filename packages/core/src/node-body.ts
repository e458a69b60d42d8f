import type { IncomingMessage } from 'node:http'

/**
 * Reads a Node request body up to `limit + 1` bytes and asks `keep` whether the bytes are ours. If not, they are
 * pushed back into the stream before its 'end' can fire, so the host's own body parser or handler reads the request
 * as if nobody had touched it.
 *
 * The decision has to be made synchronously inside the 'readable' handler: once the last read() drains the stream,
 * Node schedules 'end' on the next tick, ahead of any promise continuation, and a stream that has ended cannot be
 * given back.
 */
export function readNodeBody(
  req: IncomingMessage,
  limit: number,
  keep: (bytes: Buffer) => boolean,
): Promise<Buffer | undefined> {
  if (req.complete && req.readableLength === 0) {
    const empty = Buffer.alloc(0)
    return Promise.resolve(keep(empty) ? empty : undefined)
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false

    const finish = (decide: boolean) => {
      if (done) return
      done = true
      req.off('readable', onReadable)
      req.off('end', onEnd)
      req.off('error', onAbort)
      req.off('close', onAbort)
      const bytes = Buffer.concat(chunks, size)
      if (decide && keep(bytes)) return resolve(bytes)
      if (bytes.length > 0 && !req.readableEnded && !req.destroyed) req.unshift(bytes)
      resolve(undefined)
    }
    const onReadable = () => {
      let chunk: Buffer | string | null
      while ((chunk = req.read()) !== null) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        chunks.push(bytes)
        size += bytes.length
        if (size > limit) return finish(true)
      }
      if (req.complete) finish(true)
    }
    const onEnd = () => finish(true)
    const onAbort = () => finish(false)

    req.on('readable', onReadable)
    req.on('end', onEnd)
    req.on('error', onAbort)
    req.on('close', onAbort)
  })
}

/** Whether something upstream (a body parser) already read the stream. */
export const bodyWasConsumed = (req: IncomingMessage) => req.readableDidRead || req.readableEnded

/** Whether the request announces a body that nobody has read yet (answering now, Node would drain it after). */
export function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete || req.readableEnded) return false
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}
