// ESM apps load libraries through the ESM loader, which require-in-the-middle never sees.
// import-in-the-middle's in-thread hooks (module.registerHooks) cover them cheaply; older
// Node 22 releases fall back to the off-thread loader.
import { register as registerAsync } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerSync, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

/** Modules the instrumentations patch; nothing else pays for interception. */
export const INSTRUMENTED_MODULES = ['express', 'router', 'pg', 'pg-pool', 'amqplib', 'ioredis', 'undici', 'http', 'https'];

export function installEsmHooks(): void {
  const include = INSTRUMENTED_MODULES.flatMap((name) => [name, `node:${name}`]);
  if (supportsSyncHooks()) {
    registerSync({ include });
    return;
  }
  registerAsync('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename), { data: { include } });
}
