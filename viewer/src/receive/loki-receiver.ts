// POST /loki/api/v1/push, answered as Loki answers: 204 once stored, 400 with a one-line reason for a
// push it cannot read, 413 past the size limit, 429 when the store is behind (senders retry).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/store.ts';
import { OverloadedError } from '../store/writer.ts';
import { mediaType, parseJson, readBody } from '../server/body.ts';
import { sendText } from '../server/respond.ts';
import { BadRequestError } from './bad-request.ts';
import { lokiJsonRows, lokiProtobufRows } from './loki-push.ts';

export function lokiHandler(store: Store, maxBodyBytes: number) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const type = mediaType(request);
      const body = await readBody(request, maxBodyBytes);
      let rows;
      if (type === 'application/json') rows = lokiJsonRows(parseJson(body, 'a Loki push'));
      else if (type === 'application/x-protobuf' || type === '') rows = lokiProtobufRows(body, maxBodyBytes);
      else throw new BadRequestError(`Content-Type ${JSON.stringify(type.slice(0, 60))} is not a Loki push: send application/x-protobuf (snappy) or application/json`, 415);
      if (rows.length > 0) await store.writeLogs(rows);
      store.counters.add('logs_received', rows.length);
      response.writeHead(204).end();
    } catch (error) {
      if (error instanceof OverloadedError) {
        store.counters.add('requests_refused_overloaded');
        sendText(response, 429, error.message, { 'retry-after': '1' });
      } else if (error instanceof BadRequestError) {
        store.counters.add(error.counter);
        sendText(response, error.status, error.message, error.headers);
      } else {
        throw error;
      }
    }
  };
}
