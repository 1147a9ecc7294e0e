// Secret-looking query parameters in URLs are censored; everything else is left alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from '../../../dist/redaction/url.js';

describe('redactUrl', () => {
  it('leaves harmless URLs alone and censors every secret-looking parameter', () => {
    assert.equal(redactUrl('http://a/b?page=2&sort=asc#top'), 'http://a/b?page=2&sort=asc#top');
    assert.equal(redactUrl('/x?access_token=1&Signature=2&api_key=3&password=4&q=ok'), '/x?access_token=[REDACTED]&Signature=[REDACTED]&api_key=[REDACTED]&password=[REDACTED]&q=ok');
    assert.equal(redactUrl('?sessionId=abc'), '?sessionId=[REDACTED]');
  });
});
