// ESM apps load libraries through the ESM loader, which require-in-the-middle never sees.
// import-in-the-middle's in-thread hooks (module.registerHooks) cover them cheaply; older
// Node 22 releases fall back to the off-thread loader.
import { register as registerAsync } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Modules the instrumentations patch; nothing else pays for interception. */
export const INSTRUMENTED_MODULES = ['express', 'router', 'pg', 'pg-pool', 'amqplib', 'ioredis', 'undici', 'http', 'https'];

interface SyncHooks {
  supportsSyncHooks(): boolean;
  register(options: { include: Array<string | RegExp> }): void;
}

export function installEsmHooks(): void {
  const include = INSTRUMENTED_MODULES.flatMap((name) => [name, `node:${name}`]);
  const syncHooks = require('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  if (syncHooks.supportsSyncHooks()) {
    syncHooks.register({ include });
    return;
  }
  registerAsync('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename), { data: { include } });
}
