// The alerts the Alertmanager webhook delivered, a SchemaPart for openDatabase: one row per alert
// instance (fingerprint + startsAt), updated in place as notifications repeat and when it resolves.
export const alertsSchema = `
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER,
  status TEXT NOT NULL,
  alertname TEXT NOT NULL,
  service TEXT NOT NULL,
  severity TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  generator_url TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (fingerprint, starts_at)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alerts_starts ON alerts(starts_at);
CREATE INDEX IF NOT EXISTS alerts_service_starts ON alerts(service, starts_at);
CREATE INDEX IF NOT EXISTS alerts_updated ON alerts(updated_at);
`;
