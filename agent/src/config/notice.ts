/** The one stderr line format every agent notice uses, so operators can grep for it. */
export function notice(message: string): string {
  return `[threadline] ${message}`;
}
