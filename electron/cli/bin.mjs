#!/usr/bin/env node
// `qbit-failover` command: runs the CLI bundle built by `npm ci` / `npm install` (prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../../out/cli/qbit-failover.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('qbit-failover is not built yet: run "npm run build:cli" in the project folder.\n');
  process.exit(1);
}
await import(bundle);
