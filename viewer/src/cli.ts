#!/usr/bin/env node
// threadline-viewer: parses the flags, starts the viewer, says where it is, stops cleanly on a signal.
import { parseArgs, UsageError, USAGE } from './config/options.ts';
import { startViewer } from './viewer.ts';

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`threadline-viewer: ${error.message}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let viewer;
  try {
    viewer = await startViewer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${options.port} on ${options.host} is taken (another viewer or a collector?); pick another with --port` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`threadline-viewer: cannot start: ${why}\n`);
    process.exit(1);
  }
  process.stdout.write(`threadline-viewer: open ${viewer.url} — data in ${options.dataDir}\n`);
  process.stdout.write(`threadline-viewer: point services at it: OTEL_EXPORTER_OTLP_ENDPOINT=${viewer.url} THREADLINE_LOKI_URL=${viewer.url}\n`);
  const stop = (): void => {
    void viewer.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
