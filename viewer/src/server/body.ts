// Reads a request body within a byte limit, decompressing gzip (or deflate) within the same limit, so
// that neither a large body nor a small compressed one can take more memory than the limit allows.
import type { IncomingMessage } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { BadRequestError } from '../receive/bad-request.ts';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BadRequestError(`the body is ${declared} bytes, over the ${maxBytes}-byte limit`, 413);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BadRequestError(`the body is over the ${maxBytes}-byte limit`, 413);
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks, size);
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  const options = { maxOutputLength: maxBytes };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return await gunzipAsync(raw, options);
    if (encoding === 'deflate') return await inflateAsync(raw, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BadRequestError(`the body expands past the ${maxBytes}-byte limit`, 413);
    throw new BadRequestError(`the body is not valid ${encoding}: ${(error as Error).message}`);
  }
  throw new BadRequestError(`Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; send gzip, deflate or none`, 415);
}

/** The media type of a request, without parameters. */
export function mediaType(request: IncomingMessage): string {
  return String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function parseJson(body: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new BadRequestError(`the body is not valid JSON (${what}): ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadRequestError(`the body must be a JSON object (${what})`);
  return value as Record<string, unknown>;
}
