// Writes and reads the delivered alerts (alerts-schema.ts). A notification for an alert already stored
// updates it; one that is resolved stays resolved even if an older "firing" notification arrives late.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface AlertRow {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  /** Unix ms. */
  readonly startsAt: number;
  /** Unix ms when resolved; null while firing. */
  readonly endsAt: number | null;
  readonly alertname: string;
  readonly service: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly generatorURL: string;
}

interface StoredAlert {
  fingerprint: string;
  starts_at: number;
  ends_at: number | null;
  status: string;
  alertname: string;
  service: string;
  severity: string;
  labels: string;
  annotations: string;
  generator_url: string;
}

export class AlertsTable {
  readonly #upsert: StatementSync;
  readonly #window: StatementSync;
  readonly #windowService: StatementSync;
  readonly #oldest: StatementSync;
  readonly #trim: StatementSync;

  constructor(db: DatabaseSync) {
    this.#upsert = db.prepare(`INSERT INTO alerts (fingerprint, starts_at, ends_at, status, alertname, service, severity, labels, annotations, generator_url, received_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (fingerprint, starts_at) DO UPDATE SET
        status = CASE WHEN alerts.status = 'resolved' THEN 'resolved' ELSE excluded.status END,
        ends_at = CASE WHEN alerts.status = 'resolved' THEN alerts.ends_at ELSE excluded.ends_at END,
        labels = excluded.labels, annotations = excluded.annotations, generator_url = excluded.generator_url,
        alertname = excluded.alertname, service = excluded.service, severity = excluded.severity,
        updated_at = excluded.updated_at`);
    // Firing at some time in [from, to]: started by `to`, and not ended before `from`.
    const select = 'SELECT fingerprint, starts_at, ends_at, status, alertname, service, severity, labels, annotations, generator_url FROM alerts';
    this.#window = db.prepare(`${select} WHERE starts_at <= ? AND (ends_at IS NULL OR ends_at >= ?) ORDER BY starts_at DESC LIMIT ?`);
    this.#windowService = db.prepare(`${select} WHERE service = ? AND starts_at <= ? AND (ends_at IS NULL OR ends_at >= ?) ORDER BY starts_at DESC LIMIT ?`);
    this.#oldest = db.prepare('SELECT min(updated_at) AS t FROM alerts');
    this.#trim = db.prepare('DELETE FROM alerts WHERE (fingerprint, starts_at) IN (SELECT fingerprint, starts_at FROM alerts WHERE updated_at < ? ORDER BY updated_at LIMIT ?)');
  }

  /** Stores one notification's alerts; call inside the writer's transaction. */
  upsert(alerts: readonly AlertRow[], receivedAt: number): void {
    for (const alert of alerts) {
      this.#upsert.run(alert.fingerprint, alert.startsAt, alert.endsAt, alert.status, alert.alertname, alert.service, alert.severity,
        JSON.stringify(alert.labels), JSON.stringify(alert.annotations), alert.generatorURL, receivedAt, receivedAt);
    }
  }

  /** Alerts firing at any time in [from, to], newest first. */
  firingBetween(from: number, to: number, service: string | undefined, limit = 1000): AlertRow[] {
    const rows = (service === undefined ? this.#window.all(to, from, limit) : this.#windowService.all(service, to, from, limit)) as unknown as StoredAlert[];
    return rows.map((row) => ({
      fingerprint: row.fingerprint,
      status: row.status === 'resolved' ? 'resolved' : 'firing',
      startsAt: Number(row.starts_at),
      endsAt: row.ends_at === null ? null : Number(row.ends_at),
      alertname: row.alertname,
      service: row.service,
      severity: row.severity,
      labels: JSON.parse(row.labels) as Record<string, string>,
      annotations: JSON.parse(row.annotations) as Record<string, string>,
      generatorURL: row.generator_url,
    }));
  }

  /** Unix ms of the oldest notification, for retention. */
  oldestMs(): number | undefined {
    const row = this.#oldest.get() as { t: number | null };
    return row.t === null ? undefined : Number(row.t);
  }

  /** Deletes at most `limit` alerts last notified before `ms`; returns how many went. For the lead's retention loop. */
  deleteBefore(ms: number, limit = Number.MAX_SAFE_INTEGER): number {
    return Number(this.#trim.run(ms, limit).changes);
  }
}
