// A pino line as the Loki buffer holds it: its level (the stream it goes to) and its time, read
// from the JSON without parsing it.
export interface LokiLine {
  readonly level: string;
  /** Unix epoch milliseconds: pino's `time`. */
  readonly timeMs: number;
  readonly line: string;
}

const LEVEL = /"level":"([a-z]+)"/;
const TIME = /"time":(\d{1,16})[,}]/;

export function parseLine(line: string): LokiLine {
  const level = LEVEL.exec(line)?.[1] ?? 'info';
  const time = TIME.exec(line)?.[1];
  return { level, timeMs: time === undefined ? Date.now() : Number(time), line };
}
