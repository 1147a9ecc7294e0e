// A real store for the metrics and alerts tests: a fresh data directory with the core schema and both
// parts, its writer and counters, the two tables, and the API served by the viewer's own HTTP server.
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { createHttpServer } from '../../src/server/http-server.ts';
import type { Router } from '../../src/server/router.ts';
import { alertsSchema } from '../../src/store/alerts-schema.ts';
import { AlertsTable } from '../../src/store/alerts-table.ts';
import { Counters } from '../../src/store/counters.ts';
import { openDatabase } from '../../src/store/database.ts';
import { metricsSchema } from '../../src/store/metrics-schema.ts';
import { MetricsTable } from '../../src/store/metrics-table.ts';
import { Writer } from '../../src/store/writer.ts';

export interface MetricsFixture {
  readonly dir: string;
  readonly db: DatabaseSync;
  readonly writer: Writer;
  readonly counters: Counters;
  readonly metrics: MetricsTable;
  readonly alerts: AlertsTable;
  count(table: string): number;
  /** Serves `router` on a free loopback port; closed by dispose(). */
  serve(router: Router): Promise<string>;
  dispose(): Promise<void>;
}

export function metricsFixture(maxPendingRows = 100_000): MetricsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-metrics-test-'));
  const db = openDatabase(dir, [metricsSchema, alertsSchema]);
  const closers: Array<() => Promise<void>> = [];
  return {
    dir,
    db,
    writer: new Writer(db, { maxPendingRows, rowsPerTransaction: 20_000 }),
    counters: new Counters(db),
    metrics: new MetricsTable(db),
    alerts: new AlertsTable(db),
    count: (table) => Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n),
    async serve(router) {
      const server = createHttpServer(router, '127.0.0.1');
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      closers.push(() => new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async dispose() {
      for (const close of closers) await close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
