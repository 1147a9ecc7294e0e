// The scraped RED histograms' tables, a SchemaPart for openDatabase. One series row per histogram label
// set (bounds included); one sample row per series per scrape in which it changed (a series that saw no
// request costs nothing), keyed by series and time; the exemplars beside them.
export const metricsSchema = `
CREATE TABLE IF NOT EXISTS metric_series (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  metric TEXT NOT NULL,
  service TEXT NOT NULL,
  route TEXT NOT NULL,
  method TEXT NOT NULL,
  status TEXT NOT NULL,
  error INTEGER NOT NULL,
  target TEXT NOT NULL,
  labels TEXT NOT NULL,
  bounds TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS metric_series_service_route ON metric_series(service, metric, route);
CREATE INDEX IF NOT EXISTS metric_series_route ON metric_series(route);

-- count and sum as the histogram's _count and _sum; buckets: the finite buckets' cumulative counts
-- (metrics-buckets.ts); mark: 0 continues the previous sample, 1 is a baseline (the first sample after
-- the viewer began scraping the target: it says nothing about increases before it), 2 is a reset (the
-- count fell: the process restarted, and the counts are the increase).
CREATE TABLE IF NOT EXISTS metric_samples (
  series_id INTEGER NOT NULL,
  t INTEGER NOT NULL,
  count REAL NOT NULL,
  sum REAL NOT NULL,
  buckets BLOB NOT NULL,
  mark INTEGER NOT NULL,
  PRIMARY KEY (series_id, t)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS metric_samples_breaks ON metric_samples(series_id, t) WHERE mark != 0;

CREATE TABLE IF NOT EXISTS metric_exemplars (
  series_id INTEGER NOT NULL,
  t INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (series_id, t, trace_id)
) WITHOUT ROWID;
`;
