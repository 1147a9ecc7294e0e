import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startChild } from '../runner/child.ts';

/** A process's group, from /proc (field 5 of stat, after the command in parentheses). */
function processGroup(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
}

test("a detached child has a process group of its own, so a terminal's Ctrl-C does not reach it; the others share the runner's", async () => {
  const start = (detached: boolean) => startChild({ name: `idle-${detached}`, command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env: {}, detached });
  const alone = start(true);
  const together = start(false);
  try {
    assert.equal(processGroup(alone.process.pid!), alone.process.pid);
    assert.equal(processGroup(together.process.pid!), processGroup(process.pid));
  } finally {
    await Promise.all([alone.stop(1000), together.stop(1000)]);
  }
  assert.equal(await alone.exited, 'SIGTERM', 'stop still reaches it');
});
