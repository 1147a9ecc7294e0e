// The faults that hurt the process rather than a request: a blocked event loop and a leak.
// Both run on timers so they act at a steady pace whatever the traffic.
import type { FaultSettings, Faults } from './faults.ts';

const LEAK_CAP_BYTES = 128 * 1024 * 1024; // well below the 256 MiB compose memory limit
const LEAK_TICK_MS = 1000;

/** Follows the fault settings; the timer is unref'd so it never holds the process open. */
export function applyRuntimeFaults(faults: Faults): void {
  let timer: NodeJS.Timeout | undefined;
  // Held on purpose: the leak is the fault.
  const leaked: number[][] = [];
  let leakedBytes = 0;

  const tick = (settings: FaultSettings): void => {
    if (settings.eventLoopBlockMs > 0) {
      const until = performance.now() + settings.eventLoopBlockMs;
      while (performance.now() < until) {
        // busy-wait: nothing else may run while the loop is held
      }
    }
    if (settings.memoryLeakMbPerMinute > 0 && leakedBytes < LEAK_CAP_BYTES) {
      // Arrays of doubles live on the V8 heap, 8 bytes each; Buffers would sit outside it and
      // never show in nodejs_heap_size_used_bytes.
      const bytes = Math.round((settings.memoryLeakMbPerMinute * 1024 * 1024 * LEAK_TICK_MS) / 60_000);
      leaked.push(new Array<number>(Math.ceil(bytes / 8)).fill(Math.random()));
      leakedBytes += bytes;
    }
  };

  const update = (settings: FaultSettings): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    if (settings.memoryLeakMbPerMinute === 0) {
      leaked.length = 0;
      leakedBytes = 0;
    }
    if (settings.eventLoopBlockMs > 0 || settings.memoryLeakMbPerMinute > 0) {
      timer = setInterval(() => tick(faults.settings), LEAK_TICK_MS);
      timer.unref();
    }
  };
  faults.onChange(update);
}
