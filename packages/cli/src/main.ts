#!/usr/bin/env node
/**
 * The `custom-token-sts` command. Each subcommand lives in its own module and returns an exit code; `serve` is
 * imported only when asked for, so `assume` (run by credential_process on every AWS CLI call) starts fast.
 */
import { assume } from './assume.js'

const USAGE = `Usage: custom-token-sts <command> [options]

Commands:
  assume   Exchange a custom token for temporary credentials (AssumeRoleWithCustomToken)
  serve    Run an AssumeRoleWithCustomToken STS endpoint

Run "custom-token-sts <command> --help" for a command's options.
`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'assume':
      return assume(rest)
    case 'serve': {
      const { serve } = await import('./serve.js')
      return serve(rest)
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE)
      return command === undefined ? 2 : 0
    default:
      process.stderr.write(`custom-token-sts: unknown command "${command}"\n\n${USAGE}`)
      return 2
  }
}

process.exitCode = await main(process.argv.slice(2))
