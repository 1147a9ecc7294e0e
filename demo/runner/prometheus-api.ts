// Instant queries against Prometheus's HTTP API, for the live summary and the tests.

export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export async function query(prometheusUrl: string, promql: string): Promise<Series[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { status: string; error?: string; data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (body.status !== 'success') throw new Error(`Prometheus query failed: ${body.error ?? response.status}: ${promql}`);
  return (body.data?.result ?? []).map((item) => ({ labels: item.metric, value: Number(item.value[1]) }));
}
