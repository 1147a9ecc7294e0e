// One POST at a time to one URL over node:http or node:https, on a kept-alive connection,
// resolving with the status once the response has been read. The Loki worker sends with it
// rather than with fetch, which took about twice the CPU per line for the same push, on the
// app's core (docs/performance.md).
import * as http from 'node:http';

export interface Poster {
  /** The response's status; rejects on a network error, or when `timeoutMs` passes first. */
  post(body: Uint8Array, timeoutMs: number): Promise<number>;
}

export function createPoster(url: string, headers: Readonly<Record<string, string>>): Poster {
  const target = new URL(url);
  // node:https loads TLS: only for an https URL, and then only in the worker.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transport = target.protocol === 'https:' ? (require('node:https') as typeof http) : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    post: (body, timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        const request = transport.request(
          target,
          { method: 'POST', agent, headers: { ...headers, 'content-length': body.length }, signal: AbortSignal.timeout(timeoutMs) },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
            // A response cut short (the deadline, a reset) ends in 'close' without 'end'.
            response.on('close', () => {
              if (!response.complete) reject(new Error('the response was cut short'));
            });
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      }),
  };
}
