// Fault settings: what a PUT /admin/faults body may say, and what is refused with which message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_FAULTS, parseFaultSettings } from '../shared/faults.ts';
import { HttpError } from '../shared/http-errors.ts';

function refusal(body: unknown): string {
  try {
    parseFaultSettings(body);
  } catch (error) {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 400);
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

describe('parseFaultSettings', () => {
  it('takes the whole setting, with fields left out switched off', () => {
    assert.deepEqual(parseFaultSettings({ errorRate: 0.25, outage: true }), { ...NO_FAULTS, errorRate: 0.25, outage: true });
    assert.deepEqual(parseFaultSettings({}), NO_FAULTS);
    assert.deepEqual(parseFaultSettings({ errorRate: 1, latencyMs: 60_000, eventLoopBlockMs: 900, memoryLeakMbPerMinute: 64, outage: false }).latencyMs, 60_000);
  });

  it('names the field and what it accepts', () => {
    assert.match(refusal({ errorRate: -0.1 }), /^errorRate must be a number from 0 to 1, got -0.1$/);
    assert.match(refusal({ errorRate: '0.5' }), /errorRate must be a number from 0 to 1, got "0.5"/);
    assert.match(refusal({ latencyMs: 1.5 }), /latencyMs must be a whole number from 0 to 60000/);
    assert.match(refusal({ outage: 'yes' }), /outage must be true or false, got "yes"/);
    assert.match(refusal({ errorrate: 1 }), /unknown fault setting "errorrate"; known: /);
    assert.match(refusal([1]), /must be a JSON object/);
    assert.match(refusal(null), /must be a JSON object/);
  });
});
