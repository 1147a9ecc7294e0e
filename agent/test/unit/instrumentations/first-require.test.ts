import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { onFirstRequire, packageOf } from '../../../dist/instrumentations/first-require.js';

const require = createRequire(import.meta.url);

describe('packageOf', () => {
  it('names the package of a bare specifier and nothing else', () => {
    assert.equal(packageOf('mysql2'), 'mysql2');
    assert.equal(packageOf('mysql2/promise'), 'mysql2');
    assert.equal(packageOf('@redis/client'), '@redis/client');
    assert.equal(packageOf('@redis/client/dist/lib/client/index.js'), '@redis/client');
    assert.equal(packageOf('@scope'), '@scope');
    for (const id of ['./nats', '../x', '/abs/nats', 'node:fs', 'file:///x']) assert.equal(packageOf(id), undefined, id);
  });
});

describe('onFirstRequire', () => {
  it('fires once, before the package loads, for any of its names and files', () => {
    const seen: boolean[] = [];
    const path = require.resolve('snappyjs');
    onFirstRequire(
      new Map([
        ['snappyjs', () => seen.push(path in require.cache)],
        ['snappyjs-alias', () => seen.push(true)],
      ]),
      () => assert.fail('no error expected'),
    );
    require('snappyjs');
    require('snappyjs/package.json');
    require('snappyjs');
    assert.deepEqual(seen, [false]);
  });

  it('reports a trigger that throws and still loads the package', () => {
    const errors: string[] = [];
    onFirstRequire(new Map([['fast-check', () => { throw new Error('boom'); }]]), (name, error) => errors.push(`${name}: ${(error as Error).message}`));
    assert.equal(typeof require('fast-check').assert, 'function');
    assert.deepEqual(errors, ['fast-check: boom']);
  });
});
