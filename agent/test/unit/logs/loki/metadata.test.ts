// The structured metadata bytes, read back through a whole push body as Loki decodes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEntryMetadata, NO_METADATA } from '../../../../dist/logs/loki/metadata.js';
import { encodePush, LokiStreams } from '../../../../dist/logs/loki/push.js';
import { decodeLokiPush } from '../../../helpers/loki-push.ts';

function metadataOf(bytes: Uint8Array): Readonly<Record<string, string>> | undefined {
  return decodeLokiPush(encodePush([{ level: 'info', timeMs: 1, line: 'x' }], new LokiStreams({}), bytes))[0]?.metadata;
}

describe('encodeEntryMetadata', () => {
  it('encodes nothing for no pairs: an entry without metadata is the same bytes as before', () => {
    assert.equal(encodeEntryMetadata({}), NO_METADATA);
    assert.deepEqual(metadataOf(encodeEntryMetadata({})), {});
    const streams = new LokiStreams({ service_name: 's' });
    const batch = [{ level: 'info', timeMs: 5, line: 'y' }];
    assert.deepEqual(encodePush(batch, streams, encodeEntryMetadata({})), encodePush(batch, streams));
  });

  it('writes every pair, in name order, whatever the value holds', () => {
    const bytes = encodeEntryMetadata({ k8s_pod_name: 'p', k8s_node_name: 'a "node"\\ ünïcödé ✓ '.repeat(20) });
    assert.deepEqual(Object.entries(metadataOf(bytes) ?? {}), [
      ['k8s_node_name', 'a "node"\\ ünïcödé ✓ '.repeat(20)],
      ['k8s_pod_name', 'p'],
    ]);
    assert.deepEqual(encodeEntryMetadata({ b: '2', a: '1' }), encodeEntryMetadata({ a: '1', b: '2' }));
  });

  it('replaces a lone surrogate, which has no UTF-8 form, with U+FFFD', () => {
    assert.deepEqual(metadataOf(encodeEntryMetadata({ k8s_pod_name: 'pod-\ud800' })), { k8s_pod_name: 'pod-\ufffd' });
  });
});
