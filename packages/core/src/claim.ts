import { type ParsedBody, isFormContentType } from './parameters.js'
import { ACTION } from './validate-request.js'

/**
 * Which requests an adapter takes: those naming `Action=AssumeRoleWithCustomToken` in the query or in a form body.
 * Everything else belongs to the host's own routes.
 */
export function isStsRequest(request: { url: string; contentType?: string; body?: string | Uint8Array | ParsedBody }): boolean {
  return actionInQuery(request.url) || actionInBody(request.contentType, request.body)
}

export function actionInQuery(url: string): boolean {
  const q = url.indexOf('?')
  if (q === -1 || !mayNameAction(url, q)) return false
  // What clients send, `Action=AssumeRoleWithCustomToken` as a whole parameter, needs no decoding; any other
  // spelling (percent-encoded, say) takes the full parse.
  return hasLiteralParameter(url, q) || new URLSearchParams(url.slice(q + 1)).getAll('Action').includes(ACTION)
}

/** Without the action's name in plain text or a percent-escape, no decoding can produce the parameter. */
const mayNameAction = (text: string, from: number) => text.includes(ACTION, from) || text.includes('%', from)

const LITERAL = `Action=${ACTION}`

function hasLiteralParameter(url: string, queryStart: number): boolean {
  for (let at = url.indexOf(LITERAL, queryStart); at !== -1; at = url.indexOf(LITERAL, at + 1)) {
    const end = at + LITERAL.length
    if ((at === queryStart + 1 || url[at - 1] === '&') && (end === url.length || url[end] === '&')) return true
  }
  return false
}

/** Whether the body could name the action, so that an adapter must look at it. */
export const bodyMayClaim = (contentType: string | undefined) => isFormContentType(contentType)

export function actionInBody(contentType: string | undefined, body: string | Uint8Array | ParsedBody | undefined): boolean {
  if (body === undefined || body === null || !isFormContentType(contentType)) return false
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8')
    return mayNameAction(text, 0) && new URLSearchParams(text).getAll('Action').includes(ACTION)
  }
  const action = (body as ParsedBody).Action
  return action === ACTION || (Array.isArray(action) && action.includes(ACTION))
}
