// JSON over HTTP between services, with a deadline on every call. fetch is traced by the agent,
// which also carries the correlation ID and trace context along.
import { HttpError } from './http-errors.ts';

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export async function requestJson(url: string, options: RequestOptions = {}): Promise<JsonResponse> {
  const { method = 'GET', body, timeoutMs = 5000 } = options;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String((error as { cause?: unknown }).cause ?? error);
    throw new HttpError(502, `${method} ${url} failed: ${reason}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = { error: text };
    }
  }
  return { status: response.status, body: parsed };
}
