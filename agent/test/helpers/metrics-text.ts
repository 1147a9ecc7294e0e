// Reading Prometheus and OpenMetrics text as the agent's /metrics serves it.

/** The value of the sample `name` (a regular expression source, labels optional); NaN when there is none. */
export function counterValue(text: string, name: string): number {
  const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\d+(\\.\\d+)?)$`, 'm').exec(text);
  return match === null ? Number.NaN : Number(match[2]);
}

/** Parses exemplars from OpenMetrics text: metric line → trace_id. */
export function exemplarTraceIds(text: string, metric: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(metric) && line.includes('# {'))
    .map((line) => /trace_id="([0-9a-f]{32})"/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}
