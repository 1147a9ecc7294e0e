// Connection URLs as they may appear in messages: without their password. Kept free of the
// agent so the runner can use it without starting an agent of its own.

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
