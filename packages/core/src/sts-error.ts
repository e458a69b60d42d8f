/**
 * A protocol error: what the client is told. `message` reaches the client, so it never carries a token,
 * a secret, a stack or internal error text.
 */
export class StsError extends Error {
  override name = 'StsError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const invalidParameter = (message: string) => new StsError(400, 'InvalidParameterValue', message)

/** Values echoed in messages are cut short: they come from the client and may be huge. */
export function quote(value: string, max = 64): string {
  return value.length > max ? `${value.slice(0, max)}…` : value
}
