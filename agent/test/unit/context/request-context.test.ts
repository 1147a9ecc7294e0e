import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContextKey, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { chainLength, REQUEST_ROOT } from '../../../dist/context/request-context.js';

const A = createContextKey('test.a');
const B = createContextKey('test.b');

describe('REQUEST_ROOT', () => {
  it('holds no values, like ROOT_CONTEXT', () => {
    assert.equal(REQUEST_ROOT.getValue(A), undefined);
    assert.equal(ROOT_CONTEXT.getValue(A), undefined);
  });

  it('is immutable: a value set is seen by the new context and what derives from it, never by its parent', () => {
    const one = REQUEST_ROOT.setValue(A, 1);
    const two = one.setValue(B, 2);
    const shadowed = two.setValue(A, 3);
    assert.equal(REQUEST_ROOT.getValue(A), undefined);
    assert.equal(one.getValue(A), 1);
    assert.equal(one.getValue(B), undefined);
    assert.deepEqual([two.getValue(A), two.getValue(B)], [1, 2]);
    assert.deepEqual([shadowed.getValue(A), shadowed.getValue(B)], [3, 2]);
    assert.equal(two.getValue(A), 1, 'shadowing leaves the context it came from alone');
  });

  it('deletes a value from the new context only', () => {
    const set = REQUEST_ROOT.setValue(A, 'kept').setValue(B, 'b');
    const deleted = set.deleteValue(A);
    assert.equal(deleted.getValue(A), undefined);
    assert.equal(deleted.getValue(B), 'b');
    assert.equal(set.getValue(A), 'kept');
    assert.equal(deleted.setValue(A, 'again').getValue(A), 'again');
  });

  it('holds falsy values as set', () => {
    const ctx = REQUEST_ROOT.setValue(A, 0).setValue(B, false);
    assert.equal(ctx.getValue(A), 0);
    assert.equal(ctx.getValue(B), false);
  });

  it('carries spans and extracted trace context through the OpenTelemetry API as ROOT_CONTEXT does', () => {
    const headers = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const propagator = new W3CTraceContextPropagator();
    const getter = { keys: (c: typeof headers) => Object.keys(c), get: (c: typeof headers, k: string) => c[k as keyof typeof headers] };
    const ours = trace.getSpanContext(propagator.extract(REQUEST_ROOT, headers, getter));
    const theirs = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, getter));
    assert.deepEqual(ours, theirs);
    assert.equal(ours?.traceFlags, TraceFlags.SAMPLED);
    const span = trace.wrapSpanContext(ours!);
    assert.equal(trace.getSpan(trace.setSpan(REQUEST_ROOT, span)), span);
    assert.equal(trace.getSpan(trace.deleteSpan(trace.setSpan(REQUEST_ROOT, span))), undefined);
    assert.equal(propagation.getBaggage(REQUEST_ROOT), undefined);
  });

  it('stays correct and short to read through a long chain of derived contexts', () => {
    const keys = Array.from({ length: 50 }, (_, i) => createContextKey(`test.key.${i}`));
    let ctx = REQUEST_ROOT.setValue(A, 'first');
    // 10,000 derivations over 50 keys, some values deleted on the way: folded many times over.
    for (let i = 0; i < 10_000; i++) {
      const key = keys[i % keys.length]!;
      ctx = i % 7 === 0 ? ctx.deleteValue(key) : ctx.setValue(key, i);
    }
    assert.equal(ctx.getValue(A), 'first');
    keys.forEach((key, k) => {
      const last = 10_000 - keys.length + k;
      assert.equal(ctx.getValue(key), last % 7 === 0 ? undefined : last, `key ${k}`);
    });
    assert.equal(ctx.deleteValue(A).getValue(A), undefined);
    assert.equal(ctx.getValue(A), 'first');
  });

  it('keeps a lookup short with many live values, without folding again on every setValue', () => {
    for (const liveKeys of [5, 31, 40, 200]) {
      const keys = Array.from({ length: liveKeys }, (_, i) => createContextKey(`test.live.${i}`));
      const expected = new Map<symbol, number>();
      let ctx = REQUEST_ROOT;
      let folds = 0;
      let longest = 0;
      const derivations = 20 * Math.max(liveKeys, 32);
      for (let i = 0; i < derivations; i++) {
        const before = chainLength(ctx)!;
        ctx = ctx.setValue(keys[i % liveKeys]!, i);
        expected.set(keys[i % liveKeys]!, i);
        const after = chainLength(ctx)!;
        if (after <= before) folds++;
        longest = Math.max(longest, after);
      }
      // A fold leaves one link per live value; the next comes after as many links again.
      assert.ok(longest <= Math.max(32, 2 * (liveKeys + 1)) + 1, `${liveKeys} live keys: a chain of ${longest} links`);
      assert.ok(folds <= derivations / Math.max(16, liveKeys / 2), `${liveKeys} live keys: ${folds} folds in ${derivations} setValues`);
      for (const [key, value] of expected) assert.equal(ctx.getValue(key), value);
    }
  });
});
