/**
 * Removes a secret from text that may be shown to people. Servers do echo tokens (MinIO puts the identity plugin's
 * Go error, URL and token included, in its Message), and system errors may quote the request URL, which holds the
 * token in query style: the raw value and its URL-encoded spellings all go.
 */
export function redact(text: string, secret: string): string {
  if (secret === '') return text
  const spellings = new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ t: secret }).toString().slice(2),
  ])
  let out = text
  for (const s of spellings) out = out.split(s).join('[REDACTED]')
  return out
}
