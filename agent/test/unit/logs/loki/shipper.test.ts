// The app thread's side of Loki shipping, with its real worker and a real receiver: every line
// must arrive whole and in order, whatever its length or characters, across many batches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LokiShipper } from '../../../../dist/logs/loki/shipper.js';
import { COUNTER_DELIVERED, COUNTER_DROPPED, COUNTER_SLOTS } from '../../../../dist/logs/loki/protocol.js';
import { startLokiReceiver } from '../../../helpers/receivers.ts';

const WORKER = fileURLToPath(new URL('../../../../dist/logs/loki/worker.js', import.meta.url));

function jsonLine(i: number, msg: string): string {
  return `${JSON.stringify({ level: 'info', time: 1_700_000_000_000 + i, msg })}\n`;
}

describe('LokiShipper', () => {
  it('delivers every line whole and in order: multi-byte text, a 300 KB line, thousands of lines', async () => {
    const loki = await startLokiReceiver();
    const counters = new SharedArrayBuffer(COUNTER_SLOTS * 8);
    const errors: Error[] = [];
    let dropped = 0;
    const shipper = new LokiShipper({ workerFile: WORKER, url: loki.url, labels: { service_name: 't' }, metadata: {}, maxLines: 100_000, counters }, (n) => (dropped += n), (e) => errors.push(e));
    try {
      const messages = [
        'plain ascii',
        'multi-byte: żółć, 日本語, emoji 🎉 and a "quoted" \\ backslash',
        // 300 KB in UTF-8.
        `long ${'€'.repeat(100_000)} end`,
        // About 1.2 MB of ordinary lines: several batches to the worker and to Loki.
        ...Array.from({ length: 4000 }, (_, i) => `line ${i} ${'x'.repeat(280)}`),
        'last',
      ];
      messages.forEach((msg, i) => shipper.write(jsonLine(i, msg)));
      await shipper.close(Date.now() + 20_000);

      const received = loki.items.map((entry) => (JSON.parse(entry.line) as { msg: string }).msg);
      assert.equal(received.length, messages.length);
      assert.deepEqual(received, messages);
      const totals = new BigInt64Array(counters);
      assert.equal(totals[COUNTER_DELIVERED], BigInt(messages.length));
      assert.equal(totals[COUNTER_DROPPED], 0n);
      assert.equal(dropped, 0);
      assert.deepEqual(errors, []);
    } finally {
      await loki.close();
    }
  });
});
