import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT, trace, type AttributeValue, type Span } from '@opentelemetry/api';
import { correlationIdOf, isValidCorrelationId, setCorrelationId } from '../../../dist/context/correlation.js';
import { createPropagator, resolveCorrelationId } from '../../../dist/context/propagation.js';

const HEADER = 'x-correlation-id';
const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

describe('resolveCorrelationId', () => {
  it('always yields a valid ID and never passes an invalid value through', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300, unit: 'binary' }), fc.constantFrom('', ' ', 'a\r\nb', '"}{', 'x'.repeat(129))), (value) => {
        const resolved = resolveCorrelationId('x-correlation-id', (name) => (name === 'x-correlation-id' ? value : undefined));
        assert.match(resolved.id, VALID);
        if (VALID.test(value)) assert.equal(resolved.id, value);
        else assert.notEqual(resolved.id, value);
      }),
      { numRuns: 2000 },
    );
  });

  it('prefers the configured header, then x-request-id', () => {
    assert.deepEqual(resolveCorrelationId(HEADER, (n) => ({ [HEADER]: 'a', 'x-request-id': 'b' })[n]), { id: 'a', invalid: false });
    assert.deepEqual(resolveCorrelationId(HEADER, (n) => ({ 'x-request-id': 'b' })[n]), { id: 'b', invalid: false });
  });

  it('replaces malformed values and says so', () => {
    for (const value of ['', 'has space', 'x'.repeat(129), 'quote"', 'new\nline', '{"json":1}', 'ünïcode']) {
      const resolved = resolveCorrelationId(HEADER, (n) => (n === HEADER ? value : undefined));
      assert.equal(resolved.invalid, value !== '' || resolved.invalid, `value ${JSON.stringify(value)}`);
      assert.ok(isValidCorrelationId(resolved.id));
      assert.notEqual(resolved.id, value);
    }
  });

  it('accepts the longest valid value and the whole allowed alphabet', () => {
    const longest = 'a'.repeat(128);
    assert.equal(resolveCorrelationId(HEADER, () => longest).id, longest);
    assert.equal(resolveCorrelationId(HEADER, () => 'Az09._:-').id, 'Az09._:-');
  });

  it('reads the first of repeated headers and Buffer values (AMQP headers)', () => {
    assert.equal(resolveCorrelationId(HEADER, () => ['first', 'second']).id, 'first');
    assert.equal(resolveCorrelationId(HEADER, () => Buffer.from('from-buffer')).id, 'from-buffer');
  });
});

describe('the propagator', () => {
  it('injects the header and a baggage entry, and extracts them back', () => {
    let invalid = 0;
    const propagator = createPropagator(HEADER, () => invalid++);
    const carrier: Record<string, string> = {};
    propagator.inject(setCorrelationId(ROOT_CONTEXT, 'abc-1'), carrier, defaultTextMapSetter);
    assert.equal(carrier[HEADER], 'abc-1');
    assert.equal(carrier.baggage, 'correlation.id=abc-1');
    const extracted = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    assert.equal(correlationIdOf(extracted), 'abc-1');
    assert.equal(invalid, 0);
  });

  it('falls back to baggage when no header carries the ID', () => {
    const propagator = createPropagator(HEADER, () => undefined);
    const extracted = propagator.extract(ROOT_CONTEXT, { baggage: 'correlation.id=from-baggage,other=1' }, defaultTextMapGetter);
    assert.equal(correlationIdOf(extracted), 'from-baggage');
    assert.equal(propagation.getBaggage(extracted)?.getEntry('other')?.value, '1');
  });

  it('generates and counts when the carrier holds garbage', () => {
    let invalid = 0;
    const propagator = createPropagator(HEADER, () => invalid++);
    const extracted = propagator.extract(ROOT_CONTEXT, { [HEADER]: '../../etc/passwd' }, defaultTextMapGetter);
    assert.ok(isValidCorrelationId(correlationIdOf(extracted)));
    assert.notEqual(correlationIdOf(extracted), '../../etc/passwd');
    assert.equal(invalid, 1);
  });

  it('does not add a second baggage entry when the context baggage already has one', () => {
    const propagator = createPropagator(HEADER, () => undefined);
    const ctx = propagation.setBaggage(
      setCorrelationId(ROOT_CONTEXT, 'abc-2'),
      propagation.createBaggage({ 'correlation.id': { value: 'abc-2' } }),
    );
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, defaultTextMapSetter);
    assert.equal(carrier.baggage, 'correlation.id=abc-2');
  });
});

describe('a send outside any request', () => {
  it('starts one correlation ID per sending span, records it on the span and injects it', () => {
    const propagator = createPropagator(HEADER, () => undefined);
    const attributes: Record<string, AttributeValue> = {};
    const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
    span.setAttribute = (key: string, value: AttributeValue): Span => {
      attributes[key] = value;
      return span;
    };
    const ctx = trace.setSpan(ROOT_CONTEXT, span);
    const first: Record<string, string> = {};
    const retry: Record<string, string> = {};
    propagator.inject(ctx, first, defaultTextMapSetter);
    propagator.inject(ctx, retry, defaultTextMapSetter);
    assert.ok(isValidCorrelationId(first[HEADER]));
    assert.equal(retry[HEADER], first[HEADER]);
    assert.equal(attributes['correlation.id'], first[HEADER]);
    assert.equal(correlationIdOf(propagator.extract(ROOT_CONTEXT, first, defaultTextMapGetter)), first[HEADER]);

    const other: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(span.spanContext())), other, defaultTextMapSetter);
    assert.notEqual(other[HEADER], first[HEADER]);
  });
});

describe('baggage as the last source', () => {
  it('reads correlation.id from a raw baggage header and rejects a malformed one', () => {
    assert.equal(resolveCorrelationId(HEADER, (n) => (n === 'baggage' ? 'a=1, correlation.id=bag-7;prop=x' : undefined)).id, 'bag-7');
    const bad = resolveCorrelationId(HEADER, (n) => (n === 'baggage' ? 'correlation.id=%0Aevil' : undefined));
    assert.equal(bad.invalid, true);
    assert.notEqual(bad.id, '\nevil');
  });
});
