import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url))

export default defineConfig({
  resolve: {
    // Tests run against the sources, so that a stale dist never mixes with them (instanceof across copies fails).
    alias: [
      { find: /^@custom-token-sts\/core\/node$/, replacement: src('core/src/node.ts') },
      { find: /^@custom-token-sts\/([a-z]+)$/, replacement: src('$1/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // In CI a JSON report as well, from which .ci/run prints the plain 'N passed, N failed' line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'node_modules/.vitest/results.json' },
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
})
