// What "a line matches this text" means, said once for the index (which finds candidate blocks) and for
// the readers (which check each line of a candidate block, and read the blocks not indexed yet).
// A match: the text's words appear in the line's searchable text one after another, case and accents
// aside, the last word as a prefix, so that `payment decl` finds "payment declined".

/** Fields that have columns and filters of their own; leaving them out of the index makes it a third of the size. */
const COLUMN_FIELDS = new Set(['level', 'time', 'service', 'trace_id', 'span_id', 'correlation_id', 'pid', 'hostname']);

/** Word characters: letters, digits, and those that IDs, paths and addresses are made of. */
const WORD = /[\p{L}\p{N}\p{M}\-_.:/@]+/gu;
/** The same characters, for the FTS5 tokenizer (unicode61 keeps letters and digits by itself). */
export const TOKEN_CHARS = '-_.:/@';

/** The words of a line worth searching: a JSON line's own fields as `key value …`, any other line as it is. */
export function searchableText(line: string): string {
  if (!line.startsWith('{')) return line;
  let fields: unknown;
  try {
    fields = JSON.parse(line);
  } catch {
    return line;
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return line;
  const words: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (COLUMN_FIELDS.has(key)) continue;
    words.push(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return words.join(' ');
}

/** A line without these folds by lower case alone. */
const NON_ASCII = /[^\p{ASCII}]/u;

/** Lower case without accents, as unicode61 folds a word. */
function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function words(text: string): string[] {
  return (text.match(WORD) ?? []).map(fold).filter((word) => word !== '');
}

/**
 * `text` as an FTS5 query: its words as one phrase, the last one also as a prefix. Quotes in the text are
 * matched as themselves. Undefined when the text has no word to look up.
 */
export function phraseQuery(text: string): string | undefined {
  const found = text.match(WORD);
  if (!found) return undefined;
  return `"${found.join(' ').replace(/"/g, '""')}" *`;
}

/** A test of one line against `text`; a text without words matches lines that contain it as it is. */
export function lineMatcher(text: string): (line: string) => boolean {
  const wanted = words(text);
  if (wanted.length === 0) {
    const needle = text.toLowerCase();
    return (line) => line.toLowerCase().includes(needle);
  }
  const last = wanted.length - 1;
  return (line) => {
    // Most lines lack the first word outright; a JSON escape could hide a word from this look, so lines with one are read in full.
    if (!line.includes('\\') && !(NON_ASCII.test(line) ? fold(line) : line.toLowerCase()).includes(wanted[0]!)) return false;
    const have = words(searchableText(line));
    for (let start = 0; start + last < have.length; start++) {
      let i = 0;
      while (i < last && have[start + i] === wanted[i]) i++;
      if (i === last && have[start + last]!.startsWith(wanted[last]!)) return true;
    }
    return false;
  };
}
