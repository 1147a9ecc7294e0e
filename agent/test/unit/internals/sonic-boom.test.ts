// The sonic-boom pino loads must be the one internals/sonic-boom.ts was written for; on any
// other shape its write stays sonic-boom's own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { sonicShapeProblem, trackChunkLength } from '../../../dist/internals/sonic-boom.js';

function destination() {
  return pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
}

describe('internals/sonic-boom', () => {
  it("finds pino's sonic-boom as written for, and replaces its write", () => {
    const stream = destination();
    const original = stream.write;
    assert.equal(sonicShapeProblem(stream), undefined, "sonic-boom's write or state changed: update internals/sonic-boom.ts or pin the old version");
    const lines: string[] = [];
    assert.equal(trackChunkLength(stream, (line) => lines.push(line)), true, lines.join('\n'));
    assert.notEqual(stream.write, original);
    stream.destroy();
  });

  it("keeps sonic-boom's own write, and says so, when that write is not the one copied", () => {
    const stream = destination();
    const changed = function write(this: typeof stream, data: string): boolean {
      return original.call(this, data);
    };
    const original = stream.write;
    stream.write = changed;
    const lines: string[] = [];
    assert.equal(trackChunkLength(stream, (line) => lines.push(line)), false);
    assert.equal(stream.write, changed);
    assert.deepEqual(lines, [
      "[threadline] sonic-boom: its write is not the one the replacement was written from; not using its internals (stdout's write measuring each chunk once), using its public API instead",
    ]);
    stream.destroy();
  });

  it('names a missing field of its state', () => {
    const stream = destination();
    const state = stream as unknown as { _bufs: unknown };
    const bufs = state._bufs;
    state._bufs = undefined;
    assert.equal(sonicShapeProblem(stream), 'the stream has no _bufs');
    state._bufs = bufs;
    stream.destroy();
  });
});
