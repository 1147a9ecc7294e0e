// How the metrics and alerts part plugs into a viewer: its tables (schema parts for the store), its
// routes, its two tables for retention, and the scrape loop to start and stop with the server.
import { alertsHandler } from '../query/alerts.ts';
import { redHandler, routesHandler, targetsHandler } from '../query/metrics.ts';
import { alertmanagerHandler } from '../receive/alertmanager.ts';
import type { Router } from '../server/router.ts';
import { alertsSchema } from '../store/alerts-schema.ts';
import { AlertsTable } from '../store/alerts-table.ts';
import { metricsSchema } from '../store/metrics-schema.ts';
import { MetricsTable } from '../store/metrics-table.ts';
import type { Trimmable } from '../store/retention.ts';
import type { Store } from '../store/store.ts';
import { Scraper } from './scraper.ts';
import { TargetSet } from './target-set.ts';

/** The part's tables; the constructor creates them if the Store's `schemaParts` did not. */
export const METRICS_AND_ALERTS_SCHEMA = [metricsSchema, alertsSchema] as const;

export interface MetricsAndAlertsOptions {
  /** `--scrape` entries: host:port[/path], URLs, or file_sd files by their .yml/.yaml/.json name. */
  readonly scrape: readonly string[];
  /** `--scrape-file` files. */
  readonly scrapeFiles: readonly string[];
  readonly scrapeIntervalMs: number;
  /** The webhook's body limit. */
  readonly maxBodyBytes: number;
}

export class MetricsAndAlerts {
  readonly metrics: MetricsTable;
  readonly alerts: AlertsTable;
  /** Undefined when there is nothing to scrape. */
  readonly scraper: Scraper | undefined;
  readonly #store: Store;
  readonly #options: MetricsAndAlertsOptions;

  /** Throws, naming the bad entry, when a target or a file_sd file is invalid: call before listening. */
  constructor(store: Store, options: MetricsAndAlertsOptions) {
    this.#store = store;
    this.#options = options;
    for (const part of METRICS_AND_ALERTS_SCHEMA) store.db.exec(part);
    this.metrics = new MetricsTable(store.db);
    this.alerts = new AlertsTable(store.db);
    const targets = TargetSet.fromOptions(options.scrape, options.scrapeFiles);
    this.scraper = options.scrape.length + options.scrapeFiles.length === 0 ? undefined : new Scraper(targets, this.metrics, store.writer, { intervalMs: options.scrapeIntervalMs, counters: store.counters });
    store.trims(this.#trimmable('samples_evicted', this.metrics));
    store.trims(this.#trimmable('alerts_evicted', this.alerts));
  }

  routes(router: Router): void {
    router
      .add('POST', '/api/alertmanager', alertmanagerHandler({ table: this.alerts, writer: this.#store.writer, counters: this.#store.counters, maxBodyBytes: this.#options.maxBodyBytes }))
      .add('GET', '/api/metrics/red', redHandler(this.metrics, { intervalMs: this.#options.scrapeIntervalMs }))
      .add('GET', '/api/metrics/routes', routesHandler(this.metrics))
      .add('GET', '/api/targets', targetsHandler(this.scraper))
      .add('GET', '/api/alerts', alertsHandler(this.alerts));
  }

  start(): void {
    this.scraper?.start();
  }

  stop(): void {
    this.scraper?.stop();
  }

  #trimmable(counter: Trimmable['counter'], table: { oldestMs(): number | undefined; deleteBefore(ms: number, limit: number): number }): Trimmable {
    return { counter, oldestMs: () => table.oldestMs(), deleteBefore: (ms, limit) => table.deleteBefore(ms, limit) };
  }
}
