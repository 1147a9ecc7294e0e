// Start and stop of a service process: one clear line when it cannot start, and on SIGTERM or
// SIGINT the service closes its server, consumers and pools, then the agent flushes.
import { logger, shutdown } from '@threadline/agent';

export interface Running {
  close(): Promise<void>;
}

/** Longer than the agent's default flush deadline, so a flush is never cut short by us. */
const STOP_DEADLINE_MS = 10_000;

export function runService(start: () => Promise<Running>): void {
  let running: Running | undefined;
  let stopping = false;

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      logger.error({ signal }, 'shutdown took too long; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    logger.info({ signal }, 'shutting down');
    try {
      await running?.close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
    }
    await shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));

  start().then(
    (started) => {
      running = started;
    },
    async (error: unknown) => {
      logger.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
      await shutdown();
      process.exit(1);
    },
  );
}
