// The Loki sender against a real HTTP receiver that accepts, refuses and stalls.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LokiBuffer, type LokiCounters } from '../../../../dist/logs/loki/buffer.js';
import { parseLine } from '../../../../dist/logs/loki/line.js';
import { startLokiReceiver, type LokiEntry, type Receiver } from '../../../helpers/receivers.ts';
import { waitFor } from '../../../helpers/wait.ts';

function counting() {
  const totals = { dropped: 0, delivered: 0, errors: 0 };
  const counters: LokiCounters = {
    dropped: (n) => (totals.dropped += n),
    delivered: (n) => (totals.delivered += n),
    exportError: () => (totals.errors += 1),
  };
  return { totals, counters };
}

function line(i: number, level = 'info') {
  return parseLine(`{"level":"${level}","time":${1_700_000_000_000 + i},"msg":"line ${i}"}`);
}

describe('LokiBuffer', () => {
  let loki: Receiver<LokiEntry>;

  before(async () => {
    loki = await startLokiReceiver();
  });
  after(() => loki.close());

  it('batches lines into streams by level with the fixed labels', async () => {
    loki.items.length = 0;
    loki.mode = 'ok';
    const { totals, counters } = counting();
    const buffer = new LokiBuffer({ pushUrl: `${loki.url}/loki/api/v1/push`, labels: { service_name: 's' }, maxLines: 100, intervalMs: 20 }, counters);
    buffer.add(line(1));
    buffer.add(line(2, 'error'));
    await loki.waitFor((items) => items.length === 2);
    assert.deepEqual(
      loki.items.map((e) => [e.labels, e.timestampNs]),
      [
        [{ service_name: 's', level: 'info' }, '1700000000001000000'],
        [{ service_name: 's', level: 'error' }, '1700000000002000000'],
      ],
    );
    await buffer.drain(Date.now() + 1000);
    assert.deepEqual(totals, { dropped: 0, delivered: 2, errors: 0 });
  });

  it('sends its structured metadata with every line, and counts it toward the batch size', async () => {
    loki.items.length = 0;
    loki.mode = 'ok';
    const requestsBefore = loki.requests;
    const { totals, counters } = counting();
    const metadata = { k8s_pod_name: 'p'.repeat(200), k8s_node_name: 'n' };
    const buffer = new LokiBuffer({ pushUrl: `${loki.url}/loki/api/v1/push`, labels: { service_name: 's' }, metadata, maxLines: 100, batchChars: 1000, intervalMs: 5 }, counters);
    for (let i = 0; i < 8; i++) buffer.add(line(i));
    await buffer.drain(Date.now() + 5000);
    assert.deepEqual(totals, { dropped: 0, delivered: 8, errors: 0 });
    assert.deepEqual(loki.items.map((e) => [e.labels, e.metadata]), Array.from({ length: 8 }, () => [{ service_name: 's', level: 'info' }, metadata]));
    // About 60 characters of line and 220 bytes of metadata each: three fit in 1000, so three pushes.
    assert.equal(loki.requests - requestsBefore, 3);
  });

  it('ends a batch at its size bound, and sends a line larger than the bound alone', async () => {
    loki.items.length = 0;
    loki.mode = 'ok';
    const requestsBefore = loki.requests;
    const { totals, counters } = counting();
    const buffer = new LokiBuffer({ pushUrl: `${loki.url}/loki/api/v1/push`, labels: {}, maxLines: 100, batchChars: 1000, intervalMs: 5 }, counters);
    const text = (i: number, size: number) => parseLine(`{"level":"info","time":${i},"msg":"${String(i).padEnd(size, '.')}"}`);
    for (let i = 0; i < 5; i++) buffer.add(text(i, 250));
    buffer.add(text(5, 5000));
    await buffer.drain(Date.now() + 5000);
    assert.deepEqual(totals, { dropped: 0, delivered: 6, errors: 0 });
    assert.deepEqual(loki.items.map((e) => Number(e.timestampNs) / 1e6), [0, 1, 2, 3, 4, 5]);
    assert.equal(loki.requests - requestsBefore, 3, 'three lines of 284 characters, two, then the large one');
  });

  it('under a flood many times its size keeps the newest lines, counts the rest, and delivers what it kept', async () => {
    loki.items.length = 0;
    loki.mode = 'stall';
    const { totals, counters } = counting();
    const buffer = new LokiBuffer(
      { pushUrl: `${loki.url}/loki/api/v1/push`, labels: {}, maxLines: 1000, batchLines: 100, intervalMs: 10, timeoutMs: 50, minBackoffMs: 10, maxBackoffMs: 20 },
      counters,
    );
    for (let i = 0; i < 200_000; i++) buffer.add(line(i));
    assert.equal(buffer.size, 1000);
    assert.equal(totals.dropped, 199_000);
    loki.mode = 'ok';
    await buffer.drain(Date.now() + 5000);
    assert.equal(totals.delivered + totals.dropped, 200_000, 'every line delivered or counted');
    // A push that times out just as the receiver starts answering reaches it and is sent again:
    // delivery is at least once (Loki drops an entry identical to one it has, timestamp included).
    const delivered = [...new Set(loki.items.map((e) => Number(/line (\d+)/.exec(e.line)?.[1])))];
    assert.deepEqual(delivered, [...delivered].sort((a, b) => a - b), 'in order');
    assert.ok(delivered.length >= 900 && delivered.every((i) => i >= 199_000 - 100), `the newest lines, got ${delivered.length}`);
  });

  it('keeps lines while Loki fails and delivers them all, in order, when it recovers', async () => {
    loki.items.length = 0;
    loki.mode = 'fail';
    const { totals, counters } = counting();
    const buffer = new LokiBuffer(
      { pushUrl: `${loki.url}/loki/api/v1/push`, labels: {}, maxLines: 1000, intervalMs: 10, minBackoffMs: 10, maxBackoffMs: 50 },
      counters,
    );
    for (let i = 0; i < 300; i++) buffer.add(line(i));
    await waitFor('a push tried and retried', 5000, () => (totals.errors >= 2 ? true : undefined));
    assert.equal(loki.items.length, 0);
    loki.mode = 'ok';
    await loki.waitFor((items) => items.length === 300, 5000);
    assert.deepEqual(loki.items.map((e) => JSON.parse(e.line).msg), Array.from({ length: 300 }, (_, i) => `line ${i}`));
    assert.equal(totals.dropped, 0);
    await buffer.drain(Date.now() + 1000);
  });

  it('drops the oldest lines beyond the bound and counts them', async () => {
    loki.items.length = 0;
    loki.mode = 'fail';
    const { totals, counters } = counting();
    const buffer = new LokiBuffer(
      { pushUrl: `${loki.url}/loki/api/v1/push`, labels: {}, maxLines: 50, intervalMs: 10, minBackoffMs: 10, maxBackoffMs: 20 },
      counters,
    );
    for (let i = 0; i < 200; i++) buffer.add(line(i));
    assert.ok(buffer.size <= 50);
    assert.equal(totals.dropped, 150);
    loki.mode = 'ok';
    await loki.waitFor((items) => items.length === 50, 5000);
    assert.equal(JSON.parse(String(loki.items[49]?.line)).msg, 'line 199', 'the newest survive');
    await buffer.drain(Date.now() + 1000);
  });

  it('drops and counts a batch Loki refuses as malformed (400), without sending it again', async () => {
    loki.mode = 'reject';
    const requestsBefore = loki.requests;
    const { totals, counters } = counting();
    const buffer = new LokiBuffer({ pushUrl: `${loki.url}/loki/api/v1/push`, labels: {}, maxLines: 100, intervalMs: 5, minBackoffMs: 5 }, counters);
    for (let i = 0; i < 3; i++) buffer.add(line(i));
    await buffer.drain(Date.now() + 2000);
    assert.deepEqual(totals, { dropped: 3, delivered: 0, errors: 1 });
    assert.equal(loki.requests - requestsBefore, 1);
    loki.mode = 'ok';
  });

  it('sends the credentials of a URL like https://user:token@host as basic auth, as Grafana Cloud takes them', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      request.resume().on('end', () => response.writeHead(204).end());
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const { totals, counters } = counting();
      const buffer = new LokiBuffer({ pushUrl: `http://12345:glc%2Ftoken@127.0.0.1:${port}/loki/api/v1/push`, labels: {}, maxLines: 10 }, counters);
      buffer.add(line(1));
      await buffer.drain(Date.now() + 2000);
      assert.deepEqual(totals, { dropped: 0, delivered: 1, errors: 0 });
      assert.deepEqual(seen, [`Basic ${Buffer.from('12345:glc/token').toString('base64')}`]);
    } finally {
      server.close();
    }
  });

  it('gives up on lines still unsent at the drain deadline and counts them', async () => {
    loki.mode = 'stall';
    const { totals, counters } = counting();
    const buffer = new LokiBuffer({ pushUrl: `${loki.url}/loki/api/v1/push`, labels: {}, maxLines: 100, timeoutMs: 200 }, counters);
    for (let i = 0; i < 10; i++) buffer.add(line(i));
    const started = Date.now();
    await buffer.drain(Date.now() + 500);
    assert.ok(Date.now() - started < 1500);
    assert.equal(totals.dropped, 10);
    loki.mode = 'ok';
  });
});
