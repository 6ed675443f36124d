#!/usr/bin/env node
// Thin launcher: the command lives in dist/src/cli/main.js, built by `npm run build`
// (which `npm ci` runs through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('vrrp-lab: not built yet; run `npm ci` (or `npm run build`) in the project folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
