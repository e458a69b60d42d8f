// @ts-check

/**
 * Which buckets a principal may touch: those its claims name, in `buckets` or in `groups` (the demo identity's
 * `{ "groups": ["data-science"] }` gives the bucket `data-science`). A real service would decide from the role's
 * policy data (`principal.policy`) and the claims its identity callback returned.
 * @param {import('@custom-token-sts/core').S3Principal} principal
 * @returns {Set<string>}
 */
export function bucketsOf(principal) {
  const names = new Set()
  for (const claim of [principal.claims.buckets, principal.claims.groups]) {
    if (Array.isArray(claim)) for (const name of claim) if (typeof name === 'string') names.add(name)
  }
  return names
}
