/** The dates SigV4 carries: ISO 8601 basic (`20130524T000000Z`) in x-amz-date and X-Amz-Date, HTTP dates in Date. */

const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** Milliseconds since the epoch, or undefined when the text is not a valid ISO 8601 basic date-time. */
export function parseAmzDate(text: string): number | undefined {
  const m = BASIC.exec(text)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(ms)
  // Date.UTC rolls 20130231 over into March: refuse dates that do not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined
  }
  return ms
}

// RFC 1123 (`Fri, 24 May 2013 00:00:00 GMT`) and RFC 1123 with a numeric zone, what MinIO accepts in Date.
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|[+-]\d{4})$/

/** The request time from a Date header: ISO 8601 basic, or an HTTP date. */
export function parseDateHeader(text: string): number | undefined {
  const basic = parseAmzDate(text)
  if (basic !== undefined) return basic
  if (!HTTP_DATE.test(text)) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** `20130524T000000Z`: the form the string to sign carries, whatever form the header had. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}
