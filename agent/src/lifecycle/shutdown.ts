// Process lifecycle: flush on SIGTERM/SIGINT within a deadline, log crashes with their
// context, and never change what Node or the app would otherwise do.
import { constants } from 'node:os';
import type { Logger } from 'pino';
import { withDeadline } from '../shared/deadline.ts';

export interface LifecycleOptions {
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Flush everything; `final` when the process is about to exit. */
  readonly flush: (final: boolean) => Promise<void>;
  readonly flushSync: () => void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function installLifecycle(options: LifecycleOptions): void {
  const { timeoutMs, logger, flush, flushSync } = options;
  let exiting = false;
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // Node exits on these signals only when nobody listens; if the app listens too, it owns
      // the exit and we only flush what we hold.
      const appHandles = process.listenerCount(signal) > 1;
      if (appHandles) {
        void withDeadline(flush(false), timeoutMs);
        return;
      }
      if (exiting) return;
      exiting = true;
      void withDeadline(flush(true), timeoutMs).then(() => {
        flushSync();
        process.exit(128 + constants.signals[signal]);
      });
    };
    process.on(signal, onSignal);
  }

  // When the event loop empties on its own, export what is left; once, since the export
  // itself makes the loop busy again.
  let drained = false;
  process.on('beforeExit', () => {
    if (drained) return;
    drained = true;
    void withDeadline(flush(true), timeoutMs);
  });

  // A monitor, not a handler: Node still prints the error and exits (or the app's own
  // handler runs), as it would without the agent. Unhandled rejections arrive here too.
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    logger.fatal({ err: error, origin }, origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception');
    flushSync();
  });
  process.on('exit', flushSync);
}
