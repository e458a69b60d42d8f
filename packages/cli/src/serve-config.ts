/**
 * `custom-token-sts serve` configuration: MinIO's identity plugin variables, plus ours for what MinIO gets elsewhere
 * (signing key, address, port). A flag wins over its environment variable.
 */
import { readFileSync } from 'node:fs'

export interface ServeConfig {
  pluginUrl: string
  pluginAuthToken?: string
  roleId?: string
  rolePolicy?: string
  region: string
  signingKey: Buffer
  address: string
  port: number
}

/** A configuration the server refuses; its message is one line, fit for stderr, and holds no secret. */
export class ServeConfigError extends Error {
  override name = 'ServeConfigError'
}

export const DEFAULT_PORT = 9001
/**
 * Loopback unless told otherwise: this server hands out credentials, so reaching it from the network is a decision
 * to make explicitly (`--address 0.0.0.0`, as in a container behind its port mapping), not a default.
 */
export const DEFAULT_ADDRESS = '127.0.0.1'

export const USAGE = `Usage: custom-token-sts serve [options]

Serves AssumeRoleWithCustomToken, asking a MinIO identity plugin about each token.

Options (flag / environment variable):
  --plugin-url URL          MINIO_IDENTITY_PLUGIN_URL          the plugin's endpoint (required)
  --plugin-auth-token VAL   MINIO_IDENTITY_PLUGIN_AUTH_TOKEN   sent as Authorization (prefer the variable: flags show in ps)
  --role-id ID              MINIO_IDENTITY_PLUGIN_ROLE_ID      role ARN id; default: derived from the URL as MinIO does
  --role-policy NAMES       MINIO_IDENTITY_PLUGIN_ROLE_POLICY  the role's policy (kept with the role)
  --region REGION           STS_REGION or MINIO_REGION         region in the role ARN (default none)
  --signing-key-file PATH   STS_SIGNING_KEY_FILE               file holding the session token signing key
                            STS_SIGNING_KEY                    the signing key itself (no flag: it would show in ps)
  --address ADDR            STS_ADDRESS                        default ${DEFAULT_ADDRESS} (use 0.0.0.0 to listen on all interfaces)
  --port PORT               STS_PORT or PORT                   default ${DEFAULT_PORT}
  --help                    this text

The signing key must be at least 32 bytes. GET /health answers 200. SIGTERM or SIGINT stops the server gracefully.`

const FLAGS = {
  '--plugin-url': 'pluginUrl',
  '--plugin-auth-token': 'pluginAuthToken',
  '--role-id': 'roleId',
  '--role-policy': 'rolePolicy',
  '--region': 'region',
  '--signing-key-file': 'signingKeyFile',
  '--address': 'address',
  '--port': 'port',
} as const

type FlagName = keyof typeof FLAGS
type FlagValues = Partial<Record<(typeof FLAGS)[FlagName], string>>

/** `{ help: true }` for --help; otherwise the configuration, or a ServeConfigError. */
export function parseServeConfig(argv: string[], env: NodeJS.ProcessEnv): ServeConfig | { help: true } {
  const flags: FlagValues = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return { help: true }
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (name === '--signing-key') {
      throw new ServeConfigError('--signing-key is not accepted (a command line shows in ps): use STS_SIGNING_KEY or --signing-key-file')
    }
    if (!(name in FLAGS)) throw new ServeConfigError(`unknown argument ${JSON.stringify(name)} (see --help)`)
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (value === undefined) throw new ServeConfigError(`${name} needs a value`)
    flags[FLAGS[name as FlagName]] = value
  }

  // An empty variable counts as unset, as MinIO's env.Get treats it.
  const pick = (flag: string | undefined, ...vars: string[]) =>
    flag ?? vars.map((v) => env[v]).find((value) => value !== undefined && value !== '')

  const pluginUrl = pick(flags.pluginUrl, 'MINIO_IDENTITY_PLUGIN_URL')
  if (!pluginUrl) throw new ServeConfigError('no identity plugin URL: set MINIO_IDENTITY_PLUGIN_URL or --plugin-url')

  return {
    pluginUrl,
    pluginAuthToken: pick(flags.pluginAuthToken, 'MINIO_IDENTITY_PLUGIN_AUTH_TOKEN'),
    roleId: pick(flags.roleId, 'MINIO_IDENTITY_PLUGIN_ROLE_ID'),
    rolePolicy: pick(flags.rolePolicy, 'MINIO_IDENTITY_PLUGIN_ROLE_POLICY'),
    region: pick(flags.region, 'STS_REGION', 'MINIO_REGION') ?? '',
    signingKey: signingKey(flags.signingKeyFile, env),
    address: pick(flags.address, 'STS_ADDRESS') ?? DEFAULT_ADDRESS,
    port: port(pick(flags.port, 'STS_PORT', 'PORT')),
  }
}

function signingKey(flagFile: string | undefined, env: NodeJS.ProcessEnv): Buffer {
  const inline = env.STS_SIGNING_KEY || undefined
  const file = flagFile ?? (env.STS_SIGNING_KEY_FILE || undefined)
  if (inline !== undefined && file !== undefined) {
    throw new ServeConfigError('both STS_SIGNING_KEY and a signing key file are set: keep one')
  }
  let key: Buffer
  if (file !== undefined) {
    try {
      // A key written by `echo` or an editor ends with a newline that is not part of it.
      key = Buffer.from(readFileSync(file, 'utf8').replace(/\r?\n$/, ''), 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
      throw new ServeConfigError(`cannot read the signing key file ${JSON.stringify(file)} (${code})`)
    }
  } else if (inline !== undefined) key = Buffer.from(inline, 'utf8')
  else throw new ServeConfigError('no signing key: set STS_SIGNING_KEY or STS_SIGNING_KEY_FILE, or pass --signing-key-file')
  if (key.length < 32) throw new ServeConfigError(`the signing key is ${key.length} bytes long; it must be at least 32`)
  return key
}

function port(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN
  // 0 asks the system for a free port (the address printed at start-up says which).
  if (!(n >= 0 && n <= 65535)) throw new ServeConfigError(`bad port ${JSON.stringify(value)}: expected an integer from 0 to 65535`)
  return n
}
