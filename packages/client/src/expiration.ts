/**
 * RFC 3339 timestamps as STS servers write them. MinIO writes whole seconds in UTC (`2022-05-25T19:56:34Z`); other
 * servers add fractions of a second (any number of digits) or an offset. Date.parse alone accepts far more (local
 * times, "May 25"), so the shape is checked first and the fraction cut to milliseconds, which Date keeps.
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/

export function parseExpiration(text: string): Date | undefined {
  const m = RFC3339.exec(text)
  if (!m) return undefined
  const [, date, time, fraction = '', zone = 'Z'] = m
  const ms = fraction.slice(0, 3).padEnd(3, '0')
  const parsed = new Date(`${date}T${time}.${ms}${zone.toUpperCase()}`)
  return Number.isNaN(parsed.getTime()) ? undefined : parsed
}
