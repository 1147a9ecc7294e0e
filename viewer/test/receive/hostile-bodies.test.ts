// Random and truncated bodies to every receiver: each is refused with 400 (or 413/415), or, where a
// truncation happens to be a shorter valid message, stored whole; never a 500, a crash or a partial write.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testViewer, type TestViewer } from '../helpers/viewer.ts';
import { agentLine, hex, logsProtobuf, lokiJson, lokiProtobuf, tracesJson, tracesProtobuf } from '../helpers/telemetry.ts';

const spans = () => {
  const traceId = hex(16);
  return [1, 2, 3].map((i) => ({ traceId, spanId: hex(8), name: `span ${i}`, startMs: Date.now(), durationMs: i }));
};

const TARGETS: Array<{ path: string; type: string; valid: () => Uint8Array }> = [
  { path: '/v1/traces', type: 'application/x-protobuf', valid: () => tracesProtobuf('svc', spans()) },
  { path: '/v1/traces', type: 'application/json', valid: () => Buffer.from(JSON.stringify(tracesJson('svc', spans()))) },
  { path: '/v1/logs', type: 'application/x-protobuf', valid: () => logsProtobuf('svc', [{ timeMs: Date.now(), body: 'a' }, { timeMs: Date.now(), body: 'b' }]) },
  { path: '/loki/api/v1/push', type: 'application/x-protobuf', valid: () => lokiProtobuf([{ labels: { service_name: 'svc' }, entries: [1, 2, 3].map((i) => ({ timeMs: Date.now(), line: agentLine({ service: 'svc', msg: `m${i}` }) })) }]) },
  { path: '/loki/api/v1/push', type: 'application/json', valid: () => Buffer.from(JSON.stringify(lokiJson([{ labels: { service_name: 'svc' }, entries: [{ timeMs: Date.now(), line: 'x' }, { timeMs: Date.now(), line: 'y' }] }]))) },
];

describe('hostile bodies', () => {
  let viewer: TestViewer;
  before(async () => (viewer = await testViewer()));
  after(() => viewer.dispose());

  async function send(target: (typeof TARGETS)[number], body: Uint8Array): Promise<void> {
    const before = viewer.counts();
    const response = await viewer.post(target.path, body, { 'content-type': target.type });
    assert.ok([200, 204, 400, 413, 415].includes(response.status), `${target.path} ${target.type} answered ${response.status}: ${response.body.toString().slice(0, 200)}`);
    const after = viewer.counts();
    if (response.status >= 400) {
      assert.deepEqual(after, before, 'a refused body stored rows');
      assert.ok(response.body.length > 0 && response.body.length < 2000, 'the reason is short and present');
    }
  }

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), fc.uint8Array({ maxLength: 600 }), async (target, body) => send(target, body)),
      { numRuns: 300 },
    );
  });

  it('valid bodies cut short, or with one byte flipped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), async (target, at, flip) => {
        const valid = target.valid();
        const cut = Math.floor(at * valid.length);
        const body = flip ? Uint8Array.from(valid, (byte, i) => (i === cut ? byte ^ 0xff : byte)) : valid.slice(0, cut);
        await send(target, body);
      }),
      { numRuns: 300 },
    );
  });

  it('still serves after all of that', async () => {
    const body = tracesProtobuf('after', spans());
    assert.equal((await viewer.post('/v1/traces', body, { 'content-type': 'application/x-protobuf' })).status, 200);
  });
});
