import { randomBytes } from 'node:crypto'

// Unique, not secret: a random per-process prefix and a counter, 16 upper-case hex digits like MinIO's.
const prefix = randomBytes(3).toString('hex').toUpperCase()
let counter = 0

export function newRequestId(): string {
  counter = (counter + 1) % 0x1000000000
  return prefix + counter.toString(16).toUpperCase().padStart(10, '0')
}
