import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorCode, levelOf, parseRpcPath, statusCode } from '../../../dist/rpc/call.js';

describe('gRPC call names and status codes', () => {
  it('splits a method path into service and method', () => {
    assert.deepEqual(parseRpcPath('/helloworld.Greeter/SayHello'), { service: 'helloworld.Greeter', method: 'SayHello' });
    assert.deepEqual(parseRpcPath('/a.b.c.Svc/Do'), { service: 'a.b.c.Svc', method: 'Do' });
    assert.deepEqual(parseRpcPath('nonsense'), { service: 'unknown', method: 'nonsense' });
    assert.deepEqual(parseRpcPath('//x'), { service: 'unknown', method: '//x' });
  });

  it('marks client spans failed for any code but OK, server spans only for the server\'s faults', () => {
    assert.deepEqual([0, 1, 3, 5, 16].map((code) => isErrorCode('server', code)), [false, false, false, false, false]);
    assert.deepEqual([2, 4, 12, 13, 14, 15].map((code) => isErrorCode('server', code)), [true, true, true, true, true, true]);
    assert.deepEqual([0, 5, 13].map((code) => isErrorCode('client', code)), [false, true, true]);
  });

  it('logs OK at info, the caller\'s mistakes at warn, the server\'s faults at error', () => {
    assert.deepEqual([0, 5, 16, 13, 14].map(levelOf), ['info', 'warn', 'warn', 'error', 'error']);
  });

  it('reads a status code, UNKNOWN for anything else', () => {
    assert.deepEqual([0, 16, 17, -1, 1.5, '3', undefined].map(statusCode), [0, 16, 2, 2, 2, 2, 2]);
  });
});
