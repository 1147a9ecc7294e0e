/** `decodeURIComponent` that gives back the input, rather than throwing, on malformed escapes. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
