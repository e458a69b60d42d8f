import { defineConfig } from 'tsup'

// One ESM executable; `serve` is loaded with a dynamic import so `assume` does not pay for the server's code.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  splitting: true,
})
