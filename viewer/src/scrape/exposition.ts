// The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0, parsed line by line. A malformed
// line is rejected with its reason and the rest of the scrape is kept, as a scrape of a service that
// prints one bad line should still show its other metrics. Never throws.

export interface Exemplar {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Unix ms, when the exemplar carries a timestamp. */
  readonly timestampMs: number | undefined;
}

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Unix ms, when the line carries a timestamp. */
  readonly timestampMs: number | undefined;
  readonly exemplar: Exemplar | undefined;
}

export interface LineError {
  /** 1-based line number. */
  readonly line: number;
  readonly reason: string;
}

export interface Exposition {
  /** `# TYPE` declarations: family name → type. */
  readonly types: ReadonlyMap<string, string>;
  readonly samples: Sample[];
  /** Rejected lines, the first `maxErrors` of them. */
  readonly errors: LineError[];
  /** Rejected lines in all. */
  readonly rejected: number;
  readonly eof: boolean;
}

export interface ParseOptions {
  /** OpenMetrics: timestamps in seconds, `# EOF` ends the text. Otherwise Prometheus text: timestamps in ms. */
  readonly openMetrics: boolean;
  readonly maxErrors?: number;
  readonly maxLineLength?: number;
}

const METRIC_TYPES = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown', 'untyped']);
const METRIC_NAME_AT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME_AT = /[a-zA-Z0-9_]*/y;
const TOKEN_AT = /[^ \t]*/y;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

class LineSyntaxError extends Error {}

function fail(reason: string): never {
  throw new LineSyntaxError(reason);
}

/** A float as both formats write it: decimal, `+Inf`, `-Inf`, `NaN`. */
export function parseFloatToken(token: string): number | undefined {
  if (DECIMAL.test(token)) return Number(token);
  // As Go's strconv.ParseFloat, which Prometheus uses: inf, infinity and nan in any case.
  const match = /^([+-]?)(inf|infinity|nan)$/i.exec(token);
  if (match === null) return undefined;
  if (match[2]!.toLowerCase() === 'nan') return NaN;
  return match[1] === '-' ? -Infinity : Infinity;
}

/** A cursor over one line. */
class Line {
  readonly text: string;
  at = 0;

  constructor(text: string) {
    this.text = text;
  }

  get done(): boolean {
    return this.at >= this.text.length;
  }

  peek(): string {
    return this.text[this.at] ?? '';
  }

  skipSpaces(): void {
    for (let c = this.text.charCodeAt(this.at); c === 32 || c === 9; c = this.text.charCodeAt(this.at)) this.at++;
  }

  expect(char: string, what: string): void {
    if (this.peek() !== char) fail(`expected ${JSON.stringify(char)} ${what} at column ${this.at + 1}, found ${this.describe()}`);
    this.at++;
  }

  describe(): string {
    return this.done ? 'the end of the line' : JSON.stringify(this.text.slice(this.at, this.at + 12));
  }

  /** Matches `pattern` (sticky) here and moves past it; '' when it does not match. */
  match(pattern: RegExp): string {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text);
    if (found === null) return '';
    this.at += found[0].length;
    return found[0];
  }

  name(): string {
    const start = this.at;
    const name = this.match(METRIC_NAME_AT);
    if (name === '') fail(`expected a metric name at column ${start + 1}, found ${this.describe()}`);
    return name;
  }

  /** A double-quoted string with `\\`, `\"` and `\n` escapes. */
  quoted(): string {
    this.expect('"', 'to open a label value');
    let value = '';
    for (;;) {
      const quote = this.text.indexOf('"', this.at);
      const backslash = this.text.indexOf('\\', this.at);
      if (quote < 0) fail('a label value is not closed by a double quote');
      if (backslash < 0 || backslash > quote) {
        value += this.text.slice(this.at, quote);
        this.at = quote + 1;
        return value;
      }
      value += this.text.slice(this.at, backslash);
      const next = this.text[backslash + 1];
      if (next === 'n') value += '\n';
      else if (next === '\\' || next === '"') value += next;
      else fail(`unknown escape \\${next ?? ''} in a label value: only \\\\, \\" and \\n are allowed`);
      this.at = backslash + 2;
    }
  }

  /** A word up to the next space or tab. */
  token(): string {
    return this.match(TOKEN_AT);
  }
}

/**
 * `{a="1",b="2"}`; also Prometheus 3's quoted names (`{"metric.name","label.name"="v"}`), whose bare
 * quoted string is the metric name. Returns the labels and that name, if any.
 */
function labelSet(line: Line): { labels: Record<string, string>; quotedName: string | undefined } {
  line.expect('{', 'to open the labels');
  const labels: Record<string, string> = {};
  let quotedName: string | undefined;
  line.skipSpaces();
  while (line.peek() !== '}') {
    let name: string;
    if (line.peek() === '"') {
      name = line.quoted();
      line.skipSpaces();
      if (line.peek() !== '=') {
        if (quotedName !== undefined) fail('two quoted metric names in one label set');
        quotedName = name;
        name = '';
      }
    } else {
      const start = line.at;
      name = line.match(LABEL_NAME_AT);
      if (!LABEL_NAME.test(name)) fail(`expected a label name at column ${start + 1}, found ${line.describe()}`);
      line.skipSpaces();
    }
    if (name !== '') {
      if (line.peek() !== '=') fail(`expected "=" after label ${JSON.stringify(name)} at column ${line.at + 1}, found ${line.describe()}`);
      line.at++;
      line.skipSpaces();
      const value = line.quoted();
      if (Object.hasOwn(labels, name)) fail(`label ${JSON.stringify(name)} appears twice`);
      // A plain object keeps V8's fast properties; `__proto__` must be defined, not assigned, to be a label.
      if (name === '__proto__') Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
      else labels[name] = value;
    }
    line.skipSpaces();
    if (line.peek() === ',') {
      line.at++;
      line.skipSpaces();
    } else if (line.peek() !== '}') {
      fail(`expected "," or "}" in the labels at column ${line.at + 1}, found ${line.describe()}`);
    }
  }
  line.at++;
  return { labels, quotedName };
}

function timestamp(token: string, openMetrics: boolean, what: string): number {
  const value = parseFloatToken(token);
  if (value === undefined || !Number.isFinite(value)) fail(`${what} ${JSON.stringify(token.slice(0, 30))} is not a number`);
  if (openMetrics) return value * 1000;
  if (!Number.isInteger(value)) fail(`${what} ${JSON.stringify(token.slice(0, 30))} must be integer milliseconds in the Prometheus text format`);
  return value;
}

function number(token: string, what: string): number {
  if (token === '') fail(`${what} is missing`);
  const value = parseFloatToken(token);
  if (value === undefined) fail(`${what} ${JSON.stringify(token.slice(0, 30))} is not a number (decimal, +Inf, -Inf or NaN)`);
  return value;
}

function exemplar(line: Line, openMetrics: boolean): Exemplar {
  line.skipSpaces();
  const { labels, quotedName } = labelSet(line);
  if (quotedName !== undefined) fail('an exemplar has no metric name');
  line.skipSpaces();
  const value = number(line.token(), 'the exemplar value');
  line.skipSpaces();
  const ts = line.done ? undefined : timestamp(line.token(), openMetrics, 'the exemplar timestamp');
  line.skipSpaces();
  if (!line.done) fail(`unexpected ${line.describe()} after the exemplar`);
  return { labels, value, timestampMs: ts };
}

function sampleLine(text: string, openMetrics: boolean): Sample {
  const line = new Line(text);
  let name = line.peek() === '{' ? '' : line.name();
  let labels: Record<string, string> = {};
  let beforeSpace = line.at;
  line.skipSpaces();
  if (line.peek() === '{') {
    const set = labelSet(line);
    labels = set.labels;
    if (set.quotedName !== undefined) {
      if (name !== '') fail('a metric name both before and inside the labels');
      name = set.quotedName;
    }
    beforeSpace = line.at;
    line.skipSpaces();
  }
  if (name === '') fail('the sample has no metric name');
  if (line.at === beforeSpace) fail(`expected a space before the value at column ${line.at + 1}, found ${line.describe()}`);
  const value = number(line.token(), 'the value');
  line.skipSpaces();
  let timestampMs: number | undefined;
  if (!line.done && line.peek() !== '#') {
    timestampMs = timestamp(line.token(), openMetrics, 'the timestamp');
    line.skipSpaces();
  }
  let ex: Exemplar | undefined;
  if (!line.done) {
    line.expect('#', 'to start an exemplar');
    if (line.peek() !== ' ') fail('expected " # {…}" for an exemplar');
    ex = exemplar(line, openMetrics);
  }
  return { name, labels, value, timestampMs, exemplar: ex };
}

/** `# HELP`, `# TYPE`, `# UNIT`, `# EOF` or a plain comment (allowed in Prometheus text only). */
function commentLine(text: string, openMetrics: boolean, types: Map<string, string>): 'eof' | undefined {
  if (text === '# EOF') return 'eof';
  const match = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(text);
  if (match === null) {
    if (openMetrics) fail('OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF comments');
    return undefined;
  }
  const [, keyword, rawName, rest = ''] = match;
  const name = rawName!.startsWith('"') && rawName!.endsWith('"') && rawName!.length >= 2 ? rawName!.slice(1, -1) : rawName!;
  if (!METRIC_NAME.test(name) && !rawName!.startsWith('"')) fail(`${JSON.stringify(name.slice(0, 40))} is not a metric name`);
  if (keyword === 'TYPE') {
    const type = rest.trim();
    if (!METRIC_TYPES.has(type)) fail(`unknown metric type ${JSON.stringify(type.slice(0, 30))}: expected one of ${[...METRIC_TYPES].join(', ')}`);
    if (types.has(name)) fail(`a second # TYPE for ${name}`);
    types.set(name, type);
  }
  return undefined;
}

export function parseExposition(text: string, options: ParseOptions): Exposition {
  const maxErrors = options.maxErrors ?? 10;
  const maxLineLength = options.maxLineLength ?? 65_536;
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const errors: LineError[] = [];
  let rejected = 0;
  let eof = false;
  let lineNumber = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    try {
      if (eof) fail('text after # EOF');
      if (line.length > maxLineLength) fail(`the line is over ${maxLineLength} characters`);
      if (line.trim() === '') {
        if (options.openMetrics) fail('OpenMetrics has no blank lines');
        continue;
      }
      if (line.startsWith('#')) {
        if (commentLine(line, options.openMetrics, types) === 'eof') eof = true;
        continue;
      }
      samples.push(sampleLine(options.openMetrics ? line : line.trimStart(), options.openMetrics));
    } catch (error) {
      if (!(error instanceof LineSyntaxError)) throw error;
      rejected++;
      if (errors.length < maxErrors) errors.push({ line: lineNumber, reason: error.message });
    }
  }
  return { types, samples, errors, rejected, eof };
}
