// ESM apps load libraries through the ESM loader, which require-in-the-middle never sees.
// import-in-the-middle's in-thread hooks (module.registerHooks) cover them cheaply; older
// Node 22 releases fall back to the off-thread loader. CommonJS apps (and `node -e`) get no
// loader hooks at all: they do not need them, they cost start-up time, and the hooks break
// loading built-in modules from `-e` scripts.
import { existsSync, readFileSync } from 'node:fs';
import { register as registerAsync } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Modules the instrumentations patch; nothing else pays for interception. */
export const INSTRUMENTED_MODULES = ['express', 'router', 'pg', 'pg-pool', 'amqplib', 'ioredis', 'mysql2', '@redis/client', 'nats', 'undici', 'http', 'https', 'http2', '@grpc/grpc-js', 'koa', 'hono'];

interface SyncHooks {
  supportsSyncHooks(): boolean;
  register(options: { include: Array<string | RegExp> }): void;
}

/** Whether the process's entry script is an ES module (by extension, else by package.json). */
export function isEsmEntry(entry: string | undefined): boolean {
  if (entry === undefined) return false;
  const file = resolve(entry);
  switch (extname(file)) {
    case '.mjs':
    case '.mts':
      return true;
    case '.cjs':
    case '.cts':
      return false;
  }
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

export function installEsmHooks(): void {
  const include = INSTRUMENTED_MODULES.flatMap((name) => [name, `node:${name}`]);
  // Loaded only for ESM apps: it brings a JavaScript parser with it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const syncHooks = require('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  if (syncHooks.supportsSyncHooks()) {
    syncHooks.register({ include });
    return;
  }
  registerAsync('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename), { data: { include } });
}
