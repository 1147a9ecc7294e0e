import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLine } from '../../../../dist/logs/loki/line.js';

describe('parseLine', () => {
  it('takes level and time from the pino line, and survives lines without them', () => {
    assert.deepEqual(parseLine('{"level":"warn","time":1700000000123,"msg":"x"}'), {
      level: 'warn',
      timeMs: 1700000000123,
      line: '{"level":"warn","time":1700000000123,"msg":"x"}',
    });
    const before = Date.now();
    const fallback = parseLine('not json');
    assert.equal(fallback.level, 'info');
    assert.ok(fallback.timeMs >= before && fallback.timeMs <= Date.now());
  });
});
