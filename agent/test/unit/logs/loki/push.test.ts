// The Loki push body, read back the way Loki reads it: a snappy decoder, then Loki's push.proto.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LokiLine } from '../../../../dist/logs/loki/line.js';
import { encodeEntryMetadata } from '../../../../dist/logs/loki/metadata.js';
import { encodePush, LokiStreams } from '../../../../dist/logs/loki/push.js';
import { decodeLokiPush, parseSelector } from '../../../helpers/loki-push.ts';

function expected(batch: readonly LokiLine[], labels: Record<string, string>, metadata: Record<string, string> = {}) {
  const levels = [...new Set(batch.map((entry) => entry.level))];
  return levels.flatMap((level) =>
    batch
      .filter((entry) => entry.level === level)
      .map((entry) => ({ labels: { ...labels, level: level.toWellFormed() }, timestampNs: String(BigInt(entry.timeMs) * 1_000_000n), line: entry.line, metadata })),
  );
}

describe('encodePush', () => {
  it('groups lines into one stream per level, in order, with their timestamps', () => {
    const labels = { service_name: 'orders', deployment_environment: 'prod' };
    const batch: LokiLine[] = [
      { level: 'info', timeMs: 1_700_000_000_123, line: '{"level":"info","msg":"a"}' },
      { level: 'error', timeMs: 1_700_000_000_000, line: '{"level":"error","msg":"b"}' },
      { level: 'info', timeMs: 1_700_000_000_999, line: '{"level":"info","msg":"c \\"quoted\\""}' },
    ];
    assert.deepEqual(decodeLokiPush(encodePush(batch, new LokiStreams(labels))), expected(batch, labels));
  });

  it('frames bodies of every snappy literal length class (1 to 4 length bytes)', () => {
    const streams = new LokiStreams({ service_name: 's' });
    // Body sizes around 60, 256, 65,536 and 16 MiB: the points where the literal's length grows a byte.
    for (const size of [1, 20, 59, 200, 254, 300, 65_000, 65_600, 70_000, 17_000_000]) {
      const batch: LokiLine[] = [{ level: 'info', timeMs: 1, line: 'x'.repeat(size) }];
      const [entry] = decodeLokiPush(encodePush(batch, streams));
      assert.equal(entry?.line.length, size, `a ${size}-character line`);
    }
  });

  it('writes a stream selector Loki can parse, whatever the label values hold', () => {
    const labels = { service_name: 'a "quoted"\\ name\n\t{x="y"}, ünïcödé ✓', deployment_environment: '\ud800 lone surrogate' };
    const [entry] = decodeLokiPush(encodePush([{ level: 'info', timeMs: 0, line: 'x' }], new LokiStreams(labels)));
    assert.deepEqual(entry?.labels, { service_name: labels.service_name, deployment_environment: '\ufffd lone surrogate', level: 'info' });
    assert.equal(new LokiStreams({ b: '2', a: '1' }).selector('warn'), '{a="1", b="2", level="warn"}');
  });

  it('puts the same structured metadata on every entry of every stream, and keeps it out of the labels', () => {
    const labels = { service_name: 'orders', deployment_environment: 'prod', k8s_namespace_name: 'shop' };
    const metadata = { k8s_pod_name: 'orders-7d9c8b6f5-x2x9q', k8s_node_name: 'node-a.internal' };
    const batch: LokiLine[] = [
      { level: 'info', timeMs: 1_700_000_000_123, line: '{"level":"info","msg":"a"}' },
      { level: 'error', timeMs: 1_700_000_000_000, line: 'é'.repeat(300) },
      { level: 'info', timeMs: 0, line: '' },
    ];
    assert.deepEqual(decodeLokiPush(encodePush(batch, new LokiStreams(labels), encodeEntryMetadata(metadata))), expected(batch, labels, metadata));
  });

  it('carries any text unchanged: multi-byte characters, escapes, long and empty lines', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal'),
            timeMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
            line: fc.oneof(fc.string({ maxLength: 400, unit: 'grapheme' }), fc.string({ minLength: 100, maxLength: 5000 })),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.dictionary(fc.constantFrom('k8s_pod_name', 'k8s_node_name'), fc.string({ maxLength: 300, unit: 'grapheme' })),
        (batch, metadata) => {
          const body = encodePush(batch, new LokiStreams({ service_name: 'p' }), encodeEntryMetadata(metadata));
          assert.deepEqual(decodeLokiPush(body), expected(batch, { service_name: 'p' }, { ...metadata }));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseSelector (the test harness)', () => {
  it('refuses what is not a selector', () => {
    assert.throws(() => parseSelector('service_name="x"'), /not a stream selector/);
    assert.throws(() => parseSelector('{service_name=x}'), /not a stream selector/);
  });
});
