// The targets to scrape now: those of `--scrape` and those the file_sd files list at this moment.
import { FileSd, type FileSdStatus } from './file-sd.ts';
import { parseScrapeArgument, type ScrapeTarget } from './targets.ts';

export class TargetSet {
  readonly #fixed: readonly ScrapeTarget[];
  readonly #files: readonly FileSd[];

  constructor(fixed: readonly ScrapeTarget[], files: readonly FileSd[] = []) {
    this.#fixed = fixed;
    this.#files = files;
  }

  /** From `--scrape` entries (targets, or file_sd files by their .yml/.yaml/.json name) and `--scrape-file` files; throws naming a bad entry or an unreadable file. */
  static fromOptions(entries: readonly string[], files: readonly string[] = []): TargetSet {
    const parsed = entries.length === 0 ? { targets: [], files: [] } : parseScrapeArgument(entries.join(','));
    return new TargetSet(parsed.targets, [...parsed.files, ...files].map((path) => new FileSd(path)));
  }

  /** Re-reads changed files and lists the targets, one per URL (the first listing wins). */
  current(): ScrapeTarget[] {
    const byUrl = new Map<string, ScrapeTarget>();
    for (const target of this.#fixed) if (!byUrl.has(target.url)) byUrl.set(target.url, target);
    for (const file of this.#files) {
      file.refresh();
      for (const target of file.targets) if (!byUrl.has(target.url)) byUrl.set(target.url, target);
    }
    return [...byUrl.values()];
  }

  files(): FileSdStatus[] {
    return this.#files.map((file) => file.status());
  }
}
