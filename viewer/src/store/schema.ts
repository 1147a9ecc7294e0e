// The store's tables. Times are Unix nanoseconds (spans, logs) or milliseconds (metrics, alerts) as integers;
// a trace's spans, a request's log lines and a series' samples are each one index range away.
/** 2: log lines in blocks. */
export const SCHEMA_VERSION = 2;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS resources (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  attributes TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS spans (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT NOT NULL,
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  status_code INTEGER NOT NULL,
  status_message TEXT NOT NULL,
  route TEXT,
  http_status INTEGER,
  correlation_id TEXT,
  is_root INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  events TEXT,
  scope TEXT NOT NULL,
  resource_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS spans_trace ON spans(trace_id);
CREATE INDEX IF NOT EXISTS spans_correlation ON spans(correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_start ON spans(start_ns);
CREATE INDEX IF NOT EXISTS spans_roots ON spans(start_ns) WHERE is_root = 1;
CREATE INDEX IF NOT EXISTS spans_roots_service ON spans(service, start_ns) WHERE is_root = 1;
CREATE INDEX IF NOT EXISTS spans_roots_route ON spans(route, start_ns) WHERE is_root = 1;

-- Log lines, in blocks of a commit's lines (log-block.ts), kept in arrival order (id); retention finds the
-- cut by time along it. Each block's IDs, services and levels are keys in log_keys (log-keys.ts), and the
-- same keys are stored with the block so that eviction can remove its entries. Text search has its own
-- file (text-index.ts).
CREATE TABLE IF NOT EXISTS log_blocks (
  id INTEGER PRIMARY KEY,
  min_ns INTEGER NOT NULL,
  max_ns INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  keys BLOB NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS log_keys (
  key INTEGER NOT NULL,
  block INTEGER NOT NULL,
  PRIMARY KEY (key, block)
) WITHOUT ROWID;

-- What each service and route has sent since the store began, kept as rows arrive so that listing
-- services reads a few rows instead of scanning millions. route '' is the service as a whole.
CREATE TABLE IF NOT EXISTS service_stats (
  service TEXT NOT NULL,
  route TEXT NOT NULL,
  spans INTEGER NOT NULL DEFAULT 0,
  logs INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  last_ns INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (service, route)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;
