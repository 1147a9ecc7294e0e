import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSd, parseFileSd } from '../../src/scrape/file-sd.ts';
import { TargetSet } from '../../src/scrape/target-set.ts';
import { parseScrapeArgument, parseTarget, timeoutFor } from '../../src/scrape/targets.ts';

const repoFileSd = new URL('../../../collector-config/prometheus/targets/services.yml', import.meta.url);

test('host:port is http with /metrics; host:port/path, URLs and IPv6 are accepted', () => {
  assert.equal(parseTarget('127.0.0.1:9464', '--scrape').url, 'http://127.0.0.1:9464/metrics');
  assert.equal(parseTarget('localhost:9465/custom/metrics', '--scrape').url, 'http://localhost:9465/custom/metrics');
  assert.equal(parseTarget('https://example.test/m', '--scrape').url, 'https://example.test/m');
  assert.equal(parseTarget('https://example.test', '--scrape').url, 'https://example.test/metrics');
  assert.equal(parseTarget('https://example.test', '--scrape').address, 'example.test:443');
  assert.equal(parseTarget('http://127.0.0.1:9464/', '--scrape').url, 'http://127.0.0.1:9464/');
  const v6 = parseTarget('[::1]:9464', '--scrape');
  assert.equal(v6.url, 'http://[::1]:9464/metrics');
  assert.equal(v6.address, '[::1]:9464');
});

test('bad targets are refused naming the entry and what is accepted', () => {
  const cases: Array<[string, RegExp]> = [
    ['localhost', /no port/],
    ['localhost:0', /port "0"/],
    ['localhost:99999', /port "99999"/],
    ['local host:80', /not a host name/],
    ['ftp://host/metrics', /scheme ftp/],
    ['http://user:pw@host/metrics', /credentials/],
    ['http://[bad', /not a valid URL/],
  ];
  for (const [entry, reason] of cases) {
    assert.throws(() => parseTarget(entry, '--scrape'), (error: Error) => {
      assert.match(error.message, reason);
      assert.ok(error.message.includes(JSON.stringify(entry)), error.message);
      assert.match(error.message, /accepted: host:port/);
      return true;
    });
  }
  assert.throws(() => parseScrapeArgument('a:1,,b:2'), /empty entry/);
  assert.throws(() => parseScrapeArgument(' '), /at least one target/);
});

test('--scrape entries that name .yml/.yaml/.json files are file_sd files', () => {
  const parsed = parseScrapeArgument('127.0.0.1:9464,targets/services.yml,./x.json,localhost:9000/metrics.json');
  assert.deepEqual(parsed.files, ['targets/services.yml', './x.json']);
  assert.deepEqual(parsed.targets.map((t) => t.url), ['http://127.0.0.1:9464/metrics', 'http://localhost:9000/metrics.json']);
});

test('the timeout stays below the interval', () => {
  for (const interval of [1000, 5000, 15_000, 3_600_000]) assert.ok(timeoutFor(interval) < interval);
});

test("the repo's own file_sd file: five targets, each named by its service label", () => {
  const targets = parseFileSd(readFileSync(repoFileSd, 'utf8'), 'services.yml');
  assert.deepEqual(targets.map((t) => [t.url, t.labels.service]), [
    ['http://gateway:9464/metrics', 'gateway'],
    ['http://orders:9464/metrics', 'orders'],
    ['http://inventory:9464/metrics', 'inventory'],
    ['http://payments:9464/metrics', 'payments'],
    ['http://notifications:9464/metrics', 'notifications'],
  ]);
  assert.equal(targets[0]!.source, 'services.yml');
});

test('file_sd JSON with __scheme__ and __metrics_path__; those labels steer and are not kept', () => {
  const targets = parseFileSd(JSON.stringify([{ targets: ['127.0.0.1:9000', '127.0.0.1:9001'], labels: { __scheme__: 'https', __metrics_path__: '/m', team: 'a' } }]), 't.json');
  assert.deepEqual(targets.map((t) => t.url), ['https://127.0.0.1:9000/m', 'https://127.0.0.1:9001/m']);
  assert.deepEqual(targets[0]!.labels, { team: 'a' });
  assert.deepEqual(parseFileSd('', 'empty.yml'), []);
});

test('invalid file_sd files are refused with the file and the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['targets: [a:1]', /top level is not a list/],
    ['- labels: {a: b}', /group 1 has no targets list/],
    ['- targets: ["a:1"]\n  labels: {"bad-name": x}', /label name "bad-name"/],
    ['- targets: ["a:1"]\n  labels: {n: 5}', /label n is not a string/],
    ['- targets: ["a:1/path"]', /has a path/],
    ['- targets: ["nope"]', /no port/],
    ['- targets: [\n', /does not parse/],
  ];
  for (const [text, reason] of cases) {
    assert.throws(() => parseFileSd(text, 'f.yml'), (error: Error) => {
      assert.match(error.message, reason);
      assert.ok(error.message.includes('f.yml'), error.message);
      return true;
    });
  }
});

test('a file_sd file is read again when it changes; an invalid rewrite keeps the last good targets and shows the error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-filesd-'));
  try {
    const path = join(dir, 'targets.yml');
    writeFileSync(path, '- targets: ["127.0.0.1:9001"]\n  labels: {service: one}\n');
    const file = new FileSd(path);
    const set = new TargetSet([parseTarget('127.0.0.1:9001', '--scrape'), parseTarget('127.0.0.1:9000', '--scrape')], [file]);
    // The --scrape entry comes first and wins for the same URL.
    assert.deepEqual(set.current().map((t) => t.url), ['http://127.0.0.1:9001/metrics', 'http://127.0.0.1:9000/metrics']);
    writeFileSync(path, '- targets: ["127.0.0.1:9002", "127.0.0.1:9003"]\n  labels: {service: two}\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(set.current().map((t) => t.url).slice(2), ['http://127.0.0.1:9002/metrics', 'http://127.0.0.1:9003/metrics']);
    writeFileSync(path, 'not: [a list');
    utimesSync(path, new Date(), new Date(Date.now() + 10_000));
    assert.equal(set.current().length, 4);
    const [status] = set.files();
    assert.equal(status!.targets, 2);
    assert.match(status!.error!, /does not parse/);
    assert.throws(() => new FileSd(join(dir, 'missing.yml')), /missing\.yml.*ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
