// Query-string parameters of the API, validated: a bad one is a 400 naming it and what it accepts.
import { BadRequestError } from '../receive/bad-request.ts';

export function optionalString(url: URL, name: string, maxLength = 200): string | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return undefined;
  if (value.length > maxLength) throw new BadRequestError(`${name} is longer than ${maxLength} characters`);
  return value;
}

export function optionalNumber(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new BadRequestError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
  return value;
}

/** A time as Unix milliseconds or an ISO 8601 date. */
export function optionalTime(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value)) throw new BadRequestError(`${name} must be Unix milliseconds or an ISO 8601 time, got ${JSON.stringify(raw.slice(0, 40))}`);
  return value;
}

export function msToNs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n;
}
