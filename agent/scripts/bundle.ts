// After tsc: the agent's modules and the libraries they run on become one file, dist/agent.js,
// which register.js and index.js load. Node resolves, reads and wraps every module it loads, and
// without the bundle the agent loaded hundreds of them (docs/performance.md has the start-up figures).
// Left out, and loaded from node_modules as before:
// - what is loaded only when used: the OTLP exporter's transport (at the first export) and the
//   Express instrumentation (opt-in);
// - what finds its own files at run time: pino (its transports start a worker from a path next
//   to its own code) and import-in-the-middle (its ESM loader).
// The Loki worker (logs/loki/worker.js) is not imported by the main thread at all: it is a
// thread's entry point, started by path, and loads its own modules in that thread.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/agent.js', import.meta.url));

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22.15',
  sourcemap: true,
  external: [
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/otlp-exporter-base',
    '@opentelemetry/instrumentation-express',
    'pino',
    'pino-pretty',
    'import-in-the-middle',
  ],
  logLevel: 'warning',
});
