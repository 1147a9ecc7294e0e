import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, parseArgs, parseDuration, parseSize } from '../../src/config/options.ts';

describe('viewer flags', () => {
  it('defaults: loopback on 4318, a day and a gibibyte of data', () => {
    assert.deepEqual(parseArgs([]), { ...DEFAULTS, scrape: [], scrapeFiles: [] });
    assert.equal(DEFAULTS.host, '127.0.0.1');
    assert.equal(DEFAULTS.port, 4318);
  });

  it('reads every flag, with = or a separate value', () => {
    const options = parseArgs(['--port=0', '--host', '::1', '--data', '/tmp/x', '--retention-age', '7d', '--retention-size=5GiB', '--scrape', 'a:1,b:2/m', '--scrape', 'c:3', '--scrape-file', 't.yml', '--scrape-interval', '2s', '--max-body', '1MB']);
    assert.ok(options !== 'help');
    assert.deepEqual([options.port, options.host, options.dataDir, options.maxAgeMs, options.maxBytes, options.scrape, options.scrapeFiles, options.scrapeIntervalMs, options.maxBodyBytes], [0, '::1', '/tmp/x', 7 * 86_400_000, 5 * 1024 ** 3, ['a:1', 'b:2/m', 'c:3'], ['t.yml'], 2000, 1_000_000]);
    assert.equal(parseArgs(['--help']), 'help');
  });

  it('a bad value names the flag, the value and what is accepted', () => {
    assert.throws(() => parseArgs(['--port', '99999']), /--port "99999" is not a port: use 0–65535/);
    assert.throws(() => parseArgs(['--retention-age', 'forever']), /--retention-age "forever" is not a duration: use a number and a unit/);
    assert.throws(() => parseArgs(['--retention-size', '10 bananas']), /is not a size/);
    assert.throws(() => parseArgs(['--retention-size', '1MB']), /at least 16MiB/);
    assert.throws(() => parseArgs(['--data']), /--data needs a value/);
    assert.throws(() => parseArgs(['--bogus']), /unknown flag "--bogus"/);
    assert.equal(parseDuration('x', '90m'), 5_400_000);
    assert.equal(parseSize('x', '200MB'), 200_000_000);
  });
});
