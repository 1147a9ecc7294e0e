// Payments faults open orders' circuit breaker (its gauge shows it), and an error alert goes the
// whole way: agent metrics → Prometheus scrape → the repo's recording and alert rules →
// Alertmanager → the webhook of the alert sink. Timings are the fast ones (stack.ts FAST);
// the alert expressions are the repo's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { query } from '../runner/prometheus-api.ts';
import { startTraffic, type Traffic } from '../runner/traffic.ts';
import { waitFor } from '../../agent/test/helpers/wait.ts';
import { putJson, startDemo, type Demo } from './harness.ts';

interface SinkAlert {
  status: string;
  labels: Record<string, string>;
}

describe('payments faults: the breaker opens and an error alert reaches the webhook', () => {
  let demo: Demo;
  let traffic: Traffic | undefined;

  before(async () => {
    demo = await startDemo({ withStack: true });
  });

  after(async () => {
    await traffic?.stop();
    await demo?.stop();
  });

  // Once the breaker is open, payments itself sees too few calls for its own error alert (the rule
  // wants more than 3 requests a minute); the failures show where callers feel them: in orders.
  it('opens the breaker, shows it on the gauge, and delivers ThreadlineHighErrorRatio for orders', async () => {
    const prometheusUrl = demo.stack?.prometheusUrl;
    assert.ok(prometheusUrl);
    const set = await putJson(`${demo.gatewayUrl}/admin/faults/payments`, { errorRate: 1 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    traffic = startTraffic(demo.gatewayUrl, 8, demo.runId);

    const metricsUrl = `http://127.0.0.1:${demo.ports.metrics.orders}/metrics`;
    await waitFor('circuit_breaker_state{breaker="payments",state="open"} 1 on orders', 30_000, async () => {
      const text = await (await fetch(metricsUrl)).text();
      return /circuit_breaker_state\{[^}]*breaker="payments"[^}]*state="open"[^}]*\} 1/.test(text) ? true : undefined;
    });
    await demo.waitForLog((l) => l.service === 'orders' && l.msg === 'circuit breaker opened: calls fail fast');
    const opened = await waitFor('Prometheus sees the open breaker', 30_000, async () => {
      const series = await query(prometheusUrl, 'circuit_breaker_state{state="open"} == 1');
      return series.length > 0 ? series : undefined;
    });
    assert.equal(opened[0]?.labels.service, 'orders');

    const alert = await waitFor('ThreadlineHighErrorRatio{service="orders"} at the alert sink', 60_000, async () => {
      const body = (await (await fetch(`http://127.0.0.1:${demo.ports.alertSink}/alerts`)).json()) as { alerts: SinkAlert[] };
      return body.alerts.find((a) => a.labels.alertname === 'ThreadlineHighErrorRatio' && a.labels.service === 'orders' && a.status === 'firing');
    });
    assert.equal(alert.labels.severity, 'warning');
    await demo.waitForLog((l) => l.service === 'alert-sink' && l.msg === 'alert received' && l.alertname === 'ThreadlineHighErrorRatio');
  });
});
