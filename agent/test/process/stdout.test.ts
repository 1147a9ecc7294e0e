// The stdout destination: lines of every size, written faster than stdout drains, arrive whole,
// once each and in order.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { FIXTURES } from '../helpers/app-process.ts';

describe('buffered stdout', () => {
  it('delivers every line intact and in order', async () => {
    const count = 20_000;
    const child = spawn(process.execPath, [`${FIXTURES}stdout-writer.cjs`, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '', 'nothing dropped');
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.equal(lines.length, count);
    lines.forEach((line, i) => {
      assert.deepEqual(JSON.parse(line), { i, text: 'é✓日'.repeat(i % 40), pad: 'x'.repeat((i * 37) % 700) });
    });
  });
});
