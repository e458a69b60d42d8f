/**
 * What the event hook receives: one event per answered request, with no token, secret key or session token in it,
 * so that `onEvent: (e) => log.info(e)` is a complete audit log.
 */
interface EventBase {
  requestId: string
  /** As the host framework reported it. */
  remoteAddress?: string
  roleArn?: string
}

export interface IssuedEvent extends EventBase {
  type: 'issued'
  roleArn: string
  user: string
  accessKeyId: string
  /** ISO 8601. */
  expiration: string
}

export interface DeniedEvent extends EventBase {
  type: 'denied'
  roleArn: string
  reason: string
}

export interface FailedEvent extends EventBase {
  type: 'failed'
  status: number
  code: string
}

export type StsEvent = IssuedEvent | DeniedEvent | FailedEvent
