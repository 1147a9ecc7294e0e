// The access line of an inbound gRPC call: the HTTP access line's head, IDs and message, with
// the call's service, method and status code in place of the route and HTTP status.
import type { DestinationStream, Logger } from 'pino';
import { levelOf, type RpcCallListener } from '../rpc/call.ts';
import { BoundedCache } from '../shared/bounded-cache.ts';
import { accessLineWriter, durationMs } from './access-log.ts';

export function createRpcAccessLog(main: Logger, service: string, destination: DestinationStream): RpcCallListener {
  const write = accessLineWriter(main, service, destination);
  // Service and method names repeat on every call: their JSON is built once per pair.
  const names = new BoundedCache<string>(1000);
  return (record) => {
    // Outgoing calls have their spans and metrics; the access line is the server's.
    if (record.side !== 'server') return;
    const key = `${record.service}/${record.method}`;
    const fields =
      names.get(key) ??
      names.set(key, `,"rpc_system":"grpc","rpc_service":${JSON.stringify(record.service)},"rpc_method":${JSON.stringify(record.method)}`);
    write(levelOf(record.code), record.context, `${fields},"rpc_grpc_status_code":${record.code},"duration_ms":${durationMs(record.durationSeconds)}`);
  };
}
