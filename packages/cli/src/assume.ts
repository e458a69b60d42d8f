/**
 * `custom-token-sts assume`: one AssumeRoleWithCustomToken call, its credentials printed for a shell (`env`), a
 * program (`json`) or the AWS CLI / SDKs' `credential_process` setting (`credential-process`).
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  type AssumeRoleResult,
  StsClientError,
  StsServiceError,
  assumeRoleWithCustomToken,
} from '@custom-token-sts/client'

export const ASSUME_USAGE = `Usage: custom-token-sts assume --endpoint URL --role-arn ARN [token] [options]

Exchange a custom token for temporary S3 credentials with AssumeRoleWithCustomToken.

Token (exactly one source):
  --token TOKEN          The token itself (visible to other local users in the process list: prefer the next two)
  --token-file FILE      Read the token from FILE (surrounding whitespace removed)
  CUSTOM_TOKEN           Environment variable, used when neither option is given

Options:
  --endpoint URL         The STS endpoint, e.g. https://minio.example.com:9000
  --role-arn ARN         The role to assume
  --duration SECONDS     Validity to ask for (900 at least; the server may grant less)
  --format FORMAT        env (default): shell export lines; json; credential-process: the AWS CLI's format
  --style STYLE          query (default, as minio-go sends) or form (parameters in a form body)
  --timeout MS           Deadline of each attempt in ms (default 10000)
  --retries N            Further attempts after a retryable failure (default 2)
  -h, --help             Show this help

AWS config example:
  [profile minio]
  credential_process = custom-token-sts assume --endpoint https://minio:9000 --role-arn ARN --token-file ~/.token --format credential-process

Exit status: 0 on success, 1 when the STS call failed, 2 for a usage error.
`

const FORMATS = ['env', 'json', 'credential-process'] as const
type Format = (typeof FORMATS)[number]

export interface AssumeIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
}

const defaultIo: AssumeIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}

class UsageError extends Error {}

export async function assume(argv: string[], io: AssumeIo = defaultIo): Promise<number> {
  let parsed: Awaited<ReturnType<typeof readArguments>>
  try {
    parsed = await readArguments(argv, io.env)
  } catch (error) {
    if (!(error instanceof UsageError) && !isParseArgsError(error)) throw error
    io.stderr(`custom-token-sts assume: ${(error as Error).message}\nRun "custom-token-sts assume --help" for usage.\n`)
    return 2
  }
  if (parsed === 'help') {
    io.stdout(ASSUME_USAGE)
    return 0
  }
  const { format, ...options } = parsed
  try {
    const result = await assumeRoleWithCustomToken(options)
    io.stdout(render(result, format))
    return 0
  } catch (error) {
    io.stderr(`custom-token-sts assume: ${describe(error)}\n`)
    return 1
  }
}

async function readArguments(argv: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'role-arn': { type: 'string' },
      duration: { type: 'string' },
      format: { type: 'string' },
      style: { type: 'string' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return 'help' as const
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  if (!values.endpoint) throw new UsageError('--endpoint is required')
  if (!values['role-arn']) throw new UsageError('--role-arn is required')
  const format = (values.format ?? 'env') as Format
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`)
  const style = values.style ?? 'query'
  if (style !== 'query' && style !== 'form') throw new UsageError('--style must be query or form')
  return {
    endpoint: values.endpoint,
    roleArn: values['role-arn'],
    token: await readToken(values.token, values['token-file'], env),
    durationSeconds: integerOption('--duration', values.duration, 1),
    timeoutMs: integerOption('--timeout', values.timeout, 1),
    retries: integerOption('--retries', values.retries, 0),
    style: style as 'query' | 'form',
    format,
  }
}

async function readToken(flag: string | undefined, file: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (flag !== undefined && file !== undefined) throw new UsageError('give --token or --token-file, not both')
  let token: string | undefined
  if (file !== undefined) {
    try {
      token = (await readFile(file, 'utf8')).trim()
    } catch (error) {
      // The path is the user's; the error code says why (ENOENT, EACCES) without dumping the file.
      throw new UsageError(`cannot read --token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
    }
  } else {
    token = flag ?? env.CUSTOM_TOKEN
  }
  if (!token) throw new UsageError('no token: give --token, --token-file or set CUSTOM_TOKEN')
  return token
}

function integerOption(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`${name} must be an integer >= ${min}`)
  return Number(raw)
}

/** RFC 3339 in whole seconds, as STS servers write it; the fraction adds nothing for a credential's lifetime. */
const timestamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** POSIX single quotes: nothing inside is special to the shell. */
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`

function render({ credentials, assumedUser, requestId }: AssumeRoleResult, format: Format): string {
  const expiration = timestamp(credentials.expiration)
  switch (format) {
    case 'env':
      return [
        `export AWS_ACCESS_KEY_ID=${shellQuote(credentials.accessKeyId)}`,
        `export AWS_SECRET_ACCESS_KEY=${shellQuote(credentials.secretAccessKey)}`,
        `export AWS_SESSION_TOKEN=${shellQuote(credentials.sessionToken)}`,
        `export AWS_CREDENTIAL_EXPIRATION=${shellQuote(expiration)}`,
        '',
      ].join('\n')
    case 'json':
      // The shape of `aws sts assume-role-with-web-identity` output, so existing jq scripts keep working.
      return `${JSON.stringify(
        {
          Credentials: {
            AccessKeyId: credentials.accessKeyId,
            SecretAccessKey: credentials.secretAccessKey,
            SessionToken: credentials.sessionToken,
            Expiration: expiration,
          },
          AssumedUser: assumedUser,
          RequestId: requestId,
        },
        null,
        2,
      )}\n`
    case 'credential-process':
      // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
      return `${JSON.stringify({
        Version: 1,
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: expiration,
      })}\n`
  }
}

/** The STS Code and Message when the server sent them; the client's own message otherwise (never a stack). */
function describe(error: unknown): string {
  if (error instanceof StsServiceError) {
    const id = error.requestId ? `, RequestId ${error.requestId}` : ''
    return `${error.stsCode}: ${error.stsMessage || 'no message'} (HTTP ${error.status}${id})`
  }
  if (error instanceof StsClientError) return error.message
  // Anything else is a bug or an environment problem: its class names it; its message might quote the token.
  return `unexpected error (${error instanceof Error ? error.name : typeof error})`
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')
}
