// The service map: who calls whom, from the spans in a window. An edge runs from a client or producer
// span's service to the service of its server or consumer child; a client span with db.system and no
// child is an edge to that database.
import type { DatabaseSync } from 'node:sqlite';
import { msToNs } from './params.ts';

interface EdgeRow {
  from_service: string;
  to_service: string;
  kind: number;
  system: string | null;
  calls: number;
  errors: number;
}

export function serviceMap(db: DatabaseSync, fromMs: number, toMs: number) {
  // Kinds: 3 CLIENT, 4 PRODUCER (callers); 2 SERVER, 5 CONSUMER (callees).
  const rows = db
    .prepare(`SELECT p.service AS from_service, c.service AS to_service, p.kind AS kind, json_extract(p.attributes, '$."rpc.system"') AS system,
        count(*) AS calls, sum(c.status_code = 2 OR c.http_status >= 500) AS errors
      FROM spans p JOIN spans c ON c.trace_id = p.trace_id AND c.parent_span_id = p.span_id
      WHERE p.start_ns BETWEEN ? AND ? AND p.kind IN (3, 4) AND c.kind IN (2, 5) AND c.service <> p.service
      GROUP BY from_service, to_service, p.kind
      UNION ALL
      SELECT p.service, coalesce(json_extract(p.attributes, '$."db.system.name"'), json_extract(p.attributes, '$."db.system"')) AS to_service, 3, 'db', count(*), sum(p.status_code = 2)
      FROM spans p
      WHERE p.start_ns BETWEEN ? AND ? AND p.kind = 3 AND to_service IS NOT NULL
      GROUP BY p.service, to_service`)
    .all(msToNs(fromMs), msToNs(toMs), msToNs(fromMs), msToNs(toMs)) as unknown as EdgeRow[];
  const seconds = Math.max((toMs - fromMs) / 1000, 1);
  const nodes = new Set<string>();
  const edges = rows.map((row) => {
    nodes.add(row.from_service);
    nodes.add(row.to_service);
    const kind = row.system === 'db' ? 'db' : row.kind === 4 ? 'messaging' : row.system ? 'rpc' : 'http';
    return { from: row.from_service, to: row.to_service, kind, calls: Number(row.calls), errors: Number(row.errors ?? 0), rate: Number(row.calls) / seconds };
  });
  for (const row of db.prepare('SELECT DISTINCT service FROM spans WHERE is_root = 1 AND start_ns BETWEEN ? AND ?').all(msToNs(fromMs), msToNs(toMs)) as Array<{ service: string }>) nodes.add(row.service);
  return { nodes: [...nodes].sort().map((service) => ({ service })), edges };
}
