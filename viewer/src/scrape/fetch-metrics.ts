// One scrape request: GET asking for OpenMetrics first, within a timeout and a body-size bound (gzip
// included), rejecting with a one-line reason. Connections are kept alive between scrapes.
import http from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export const SCRAPE_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

export interface FetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

export interface Fetched {
  readonly body: string;
  readonly openMetrics: boolean;
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 2 }), https: new https.Agent({ keepAlive: true, maxSockets: 2 }) };

export class ScrapeError extends Error {}

export function fetchMetrics(url: string, options: FetchOptions): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (error: Error | undefined, value?: Fetched): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        request.destroy();
        reject(error);
      } else {
        resolve(value!);
      }
    };
    const onAbort = (): void => finish(new ScrapeError('the scrape was stopped'));
    const request = client.get(target, {
      agent: target.protocol === 'https:' ? agents.https : agents.http,
      headers: { accept: SCRAPE_ACCEPT, 'accept-encoding': 'gzip', 'user-agent': 'threadline-viewer', 'x-prometheus-scrape-timeout-seconds': String(options.timeoutMs / 1000) },
    });
    const timer = setTimeout(() => finish(new ScrapeError(`no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort);
    request.on('error', (error) => finish(new ScrapeError(error.message || (error as NodeJS.ErrnoException).code || 'the connection failed')));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        response.resume();
        finish(new ScrapeError(`HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`));
        return;
      }
      const type = String(response.headers['content-type'] ?? '');
      const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
      let stream: Readable = response;
      if (encoding === 'gzip') {
        const gunzip = createGunzip();
        gunzip.on('error', (error) => finish(new ScrapeError(`the gzip body does not decompress: ${error.message}`)));
        stream = response.pipe(gunzip);
      } else if (encoding !== '' && encoding !== 'identity') {
        response.resume();
        finish(new ScrapeError(`Content-Encoding ${JSON.stringify(encoding.slice(0, 30))} is not supported (gzip or none)`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) finish(new ScrapeError(`the body is over the ${options.maxBytes}-byte limit`));
        else chunks.push(chunk);
      });
      stream.on('end', () => finish(undefined, { body: Buffer.concat(chunks, size).toString('utf8'), openMetrics: type.toLowerCase().includes('application/openmetrics-text') }));
      response.on('error', (error) => finish(new ScrapeError(`the answer broke off: ${error.message}`)));
      response.on('aborted', () => finish(new ScrapeError('the answer broke off')));
    });
  });
}
