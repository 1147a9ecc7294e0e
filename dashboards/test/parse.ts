// The query languages' own Lezer grammars (the ones Grafana's editors use):
// a parse tree with an error node means the query is invalid.
import type { LRParser } from '@lezer/lr';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';

function firstError(parser: LRParser, text: string): number | undefined {
  let at: number | undefined;
  parser.parse(text).iterate({
    enter: (node) => {
      if (at === undefined && node.type.isError) at = node.from;
    },
  });
  return at;
}

function describe(language: string, text: string, at: number | undefined): string | undefined {
  return at === undefined ? undefined : `${language} syntax error at ${at}: ${text.slice(0, at)}⟨here⟩${text.slice(at)}`;
}

export const promqlError = (text: string): string | undefined => describe('PromQL', text, firstError(promqlParser, text));
export const logqlError = (text: string): string | undefined => describe('LogQL', text, firstError(logqlParser, text));
export const traceqlError = (text: string): string | undefined => describe('TraceQL', text, firstError(traceqlParser, text));
