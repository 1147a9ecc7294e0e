// The guard in front of every patch: one stderr line naming the library, what is wrong and
// what is used instead; never a throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { internalsUsable } from '../../../dist/internals/check.js';

const base = { library: 'some-lib', expected: '1.2.3', patch: 'a direct write', shape: () => undefined };

describe('internalsUsable', () => {
  it('allows the patch on the expected version and shape, silently', () => {
    const lines: string[] = [];
    assert.equal(internalsUsable({ ...base, installed: '1.2.3' }, (line) => lines.push(line)), true);
    assert.deepEqual(lines, []);
  });

  it('refuses another version, or an unreadable one, in one line', () => {
    for (const installed of ['1.2.4', undefined]) {
      const lines: string[] = [];
      assert.equal(internalsUsable({ ...base, installed }, (line) => lines.push(line)), false);
      assert.deepEqual(lines, [
        `[threadline] some-lib: version ${installed ?? 'unknown'} is installed, the patch was written for 1.2.3; not using its internals (a direct write), using its public API instead`,
      ]);
    }
  });

  it('refuses a changed shape, and a shape check that throws, in one line', () => {
    for (const shape of [() => 'the stream has no _bufs', () => { throw new Error('cannot read _bufs'); }]) {
      const lines: string[] = [];
      assert.equal(internalsUsable({ ...base, installed: '1.2.3', shape }, (line) => lines.push(line)), false);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /^\[threadline\] some-lib: (the stream has no _bufs|cannot read _bufs); not using its internals \(a direct write\), using its public API instead$/);
    }
  });
});
