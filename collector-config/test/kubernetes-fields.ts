// The API schemas (kubernetes-models' validators) accept fields they do not define, as the
// OpenAPI documents they come from do; the API server's strict field validation would refuse
// them. The models' TypeScript types define exactly the fields of each kind, and TypeScript
// refuses an object literal with a property its type lacks, at any depth: so each object is
// type-checked, in memory, as a literal of its model's interface.
import { join } from 'node:path';
import ts from 'typescript';
import { configDir } from './helpers.ts';
import type { Obj } from './helpers.ts';

export interface TypedObject {
  /** What to call it in a message, e.g. "manifests/minio.yaml Deployment threadline-minio". */
  readonly name: string;
  /** The module of its model, e.g. "kubernetes-models/apps/v1/Deployment". */
  readonly module: string;
  readonly kind: string;
  readonly object: Obj;
}

/** One line per field (or value) that the object's API type does not have; empty when all fit. */
export function typeErrors(objects: readonly TypedObject[]): string[] {
  // A path inside collector-config, so that imports resolve from its node_modules; never written.
  const file = join(configDir, 'test', '__kubernetes_objects__.ts');
  const source = objects
    .map((o, i) => `import type { I${o.kind} as T${i} } from ${JSON.stringify(o.module)};\nexport const o${i}: T${i} = ${JSON.stringify(o.object)};`)
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, onError));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const lines = source.split('\n');
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file?.fileName !== file || d.start === undefined) return message;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const index = Number(/^export const o(\d+)/.exec(lines[line] ?? '')?.[1] ?? /^import type \{ I\w+ as T(\d+)/.exec(lines[line] ?? '')?.[1]);
    return `${objects[index]?.name ?? `line ${line + 1}`}: ${message}`;
  });
}
