// @ts-check
/**
 * Mints a demo token the plugin accepts: `PLUGIN_SECRET=... node src/mint-token.js alice [group,group] [seconds]`.
 * Also importable: `mintToken(secret, { user, groups, expiresInSeconds })`.
 */
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'

/**
 * @param {string} secret
 * @param {{ user: string, groups?: string[], expiresInSeconds?: number }} options
 */
export function mintToken(secret, { user, groups, expiresInSeconds = 3600 }) {
  return new SignJWT(groups ? { groups } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(new TextEncoder().encode(secret))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const secret = process.env.PLUGIN_SECRET
  const [user, groups, seconds] = process.argv.slice(2)
  if (!secret || !user) {
    console.error('usage: PLUGIN_SECRET=<secret> node src/mint-token.js <user> [group,group] [seconds]')
    process.exit(2)
  }
  console.log(await mintToken(secret, { user, groups: groups ? groups.split(',') : undefined, expiresInSeconds: seconds ? Number(seconds) : undefined }))
}
