// The traffic generator: a steady stream of orders through the gateway, each with its own
// correlation ID, plus look-ups of earlier orders and the odd bad request (a 4xx is part of a
// real service's traffic too). In-flight requests are capped so a slow shop is not flooded.
import { CATALOGUE } from '../shared/catalogue.ts';

export interface Sample {
  readonly correlationId: string;
  readonly request: string;
  readonly status: number | 'error';
  readonly orderStatus?: string;
}

export interface TrafficStats {
  sent: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  lastSample: Sample | undefined;
}

export interface Traffic {
  readonly stats: TrafficStats;
  stop(): Promise<void>;
}

const MAX_IN_FLIGHT = 20;

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

export function startTraffic(gatewayUrl: string, ratePerSecond: number, runId: string): Traffic {
  const stats: TrafficStats = { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, lastSample: undefined };
  const inFlight = new Set<Promise<void>>();
  const orderIds: string[] = [];
  let tick = 0;

  const send = async (correlationId: string, method: string, path: string, body?: unknown): Promise<void> => {
    stats.sent += 1;
    let sample: Sample;
    try {
      const response = await fetch(`${gatewayUrl}${path}`, {
        method,
        headers: { 'x-correlation-id': correlationId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const answer = (await response.json().catch(() => ({}))) as { id?: unknown; status?: unknown };
      if (response.status === 201 && typeof answer.id === 'string') orderIds.push(answer.id);
      orderIds.splice(0, Math.max(0, orderIds.length - 100));
      sample = { correlationId, request: `${method} ${path}`, status: response.status, orderStatus: typeof answer.status === 'string' ? answer.status : undefined };
      if (response.status < 400) stats.ok += 1;
      else if (response.status < 500) stats.clientErrors += 1;
      else stats.serverErrors += 1;
    } catch {
      stats.serverErrors += 1;
      sample = { correlationId, request: `${method} ${path}`, status: 'error' };
    }
    if (method === 'POST') stats.lastSample = sample;
  };

  const fire = (): void => {
    if (inFlight.size >= MAX_IN_FLIGHT) return;
    tick += 1;
    const correlationId = `demo-${runId}-${tick}`;
    let work: Promise<void>;
    if (tick % 5 === 0 && orderIds.length > 0) {
      work = send(correlationId, 'GET', `/api/orders/${pick(orderIds)}`);
    } else if (tick % 23 === 0) {
      work = send(correlationId, 'POST', '/api/orders', { customerId: 'c-typo', items: [{ sku: 'tea-typo', quantity: 1 }] });
    } else {
      const items = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({ sku: pick(CATALOGUE).sku, quantity: 1 + Math.floor(Math.random() * 3) }));
      work = send(correlationId, 'POST', '/api/orders', { customerId: `c-${1 + Math.floor(Math.random() * 50)}`, items });
    }
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const timer = setInterval(fire, Math.max(10, Math.round(1000 / ratePerSecond)));
  return {
    stats,
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
