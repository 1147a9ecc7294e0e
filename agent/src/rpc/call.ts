// One finished gRPC call, as the server and client instrumentation hand it to the metrics and
// the access log, and what its status code means.

import type { Context } from '@opentelemetry/api';

export type RpcSide = 'server' | 'client';

export interface RpcCallRecord {
  /** The call's context: its span and correlation ID. */
  readonly context: Context;
  readonly side: RpcSide;
  readonly service: string;
  readonly method: string;
  /** The gRPC status code (0 OK … 16 UNAUTHENTICATED). */
  readonly code: number;
  readonly durationSeconds: number;
}

export type RpcCallListener = (record: RpcCallRecord) => void;

/** `CANCELLED`, the code a call ends with when its peer goes away before the status. */
export const CANCELLED = 1;
const UNKNOWN = 2;

/**
 * The codes that are the server's fault, as OpenTelemetry's RPC conventions list them for server
 * spans: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS. The error
 * ratio alert counts the same set (collector-config/prometheus/rules/alerts.yml).
 */
const SERVER_FAULTS = new Set([2, 4, 12, 13, 14, 15]);

/** A client span is an error for any code but OK; a server span only for the server's faults. */
export function isErrorCode(side: RpcSide, code: number): boolean {
  return side === 'client' ? code !== 0 : SERVER_FAULTS.has(code);
}

/** info for OK, error for the server's faults, warn for the rest (the caller's mistakes, cancels). */
export function levelOf(code: number): 'info' | 'warn' | 'error' {
  return code === 0 ? 'info' : SERVER_FAULTS.has(code) ? 'error' : 'warn';
}

/** A status code from whatever a handler or the library reported; UNKNOWN when it is not one. */
export function statusCode(value: unknown): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 16 ? (value as number) : UNKNOWN;
}

export interface RpcName {
  readonly service: string;
  readonly method: string;
}

/** `/package.Service/Method` → its two parts; a path of another shape is kept whole as the method. */
export function parseRpcPath(path: string): RpcName {
  const slash = path.lastIndexOf('/');
  if (slash <= 1 || !path.startsWith('/')) return { service: 'unknown', method: path };
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}
