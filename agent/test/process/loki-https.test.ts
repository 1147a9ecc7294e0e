// The Loki sender over https, in a child process: Node reads NODE_EXTRA_CA_CERTS once, at start-up.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLokiReceiver } from '../helpers/receivers.ts';
import { selfSigned } from '../helpers/tls.ts';

const run = promisify(execFile);

describe('LokiBuffer over https', () => {
  it('delivers to an https Loki whose certificate the process trusts (NODE_EXTRA_CA_CERTS)', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'threadline-loki-tls-'));
    const tls = selfSigned(scratch);
    const secure = await startLokiReceiver(tls);
    try {
      const script = `
        const { LokiBuffer } = require(process.env.BUFFER);
        const totals = { dropped: 0, delivered: 0, errors: 0 };
        const buffer = new LokiBuffer({ pushUrl: process.env.PUSH_URL, labels: { service_name: 'tls' }, maxLines: 10, intervalMs: 5 }, {
          dropped: (n) => (totals.dropped += n), delivered: (n) => (totals.delivered += n), exportError: () => (totals.errors += 1),
        });
        buffer.add({ level: 'info', timeMs: 1700000000000, line: 'over tls' });
        buffer.drain(Date.now() + 5000).then(() => process.stdout.write(JSON.stringify(totals)));`;
      const { stdout } = await run(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          NODE_EXTRA_CA_CERTS: tls.cert,
          BUFFER: fileURLToPath(new URL('../../dist/logs/loki/buffer.js', import.meta.url)),
          PUSH_URL: `${secure.url}/loki/api/v1/push`,
        },
      });
      assert.deepEqual(JSON.parse(stdout), { dropped: 0, delivered: 1, errors: 0 });
      assert.deepEqual(secure.items.map((e) => [e.labels, e.line]), [[{ service_name: 'tls', level: 'info' }, 'over tls']]);
    } finally {
      await secure.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
