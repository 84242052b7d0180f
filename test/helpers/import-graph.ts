/**
 * The import graph of src/, read with the TypeScript compiler's parser (no type checking, so it
 * takes well under a second), and the architecture rules checked over it. The rules and the
 * allowed arrows are data here, and written out for people in docs/architecture.md.
 *
 * Every edge counts, type-only ones included: `import`, `import type`, `export … from`,
 * `import x = require(…)`, `import("…")`, `require("…")`, and the type `import("…").T`.
 * A dynamic import or require whose specifier is not a string literal cannot be read, so it is a
 * violation — except the listed ones that load the user's own code (never a file of src/).
 */
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Which src/ folders each folder may import (its own files always). Keep docs/architecture.md in step. */
export const ALLOWED_ARROWS = {
  protocol: [],
  platform: [],
  format: ['protocol'],
  config: ['protocol', 'platform'],
  logs: ['protocol', 'platform'],
  watch: ['protocol', 'platform'],
  metrics: ['protocol', 'platform', 'format'],
  runtime: ['protocol', 'traffic'],
  traffic: ['protocol', 'platform'],
  cluster: ['protocol', 'config', 'platform', 'traffic'],
  dashboard: ['protocol', 'format'],
  daemon: ['cluster', 'config', 'logs', 'metrics', 'watch', 'dashboard', 'traffic', 'protocol', 'platform', 'format'],
  cli: ['protocol', 'config', 'format', 'platform'],
} as const satisfies Record<string, readonly string[]>;

export type Folder = keyof typeof ALLOWED_ARROWS;

/** Files at the top of src/ that anyone may import and that import nothing of ours. */
export const SHARED_LEAVES = ['src/version.ts'] as const;

/** Single files allowed one more arrow than their folder. */
export const ARROW_EXCEPTIONS = [
  { from: 'src/cli/commands/run.ts', to: 'daemon', why: '`hotctl run` is the daemon in the foreground, in the CLI process' },
] as const;

/** Computed dynamic imports of what is not in src/'s graph (the user's code, built bundles, packages): file and the exact specifier expression. */
export const OUTSIDE_SRC_IMPORTS = [
  { file: 'src/runtime/loader.ts', expression: 'pathToFileURL(script).href', why: "the app's entry script" },
] as const;

export const MAX_LINES = 300;

/** Extensions of the files that count as source (TypeScript, and the dashboard's browser modules). */
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

export type EdgeKind = 'import' | 'import type' | 'export from' | 'import = require' | 'import()' | 'require()' | 'type import()';

export interface Edge {
  from: string;
  to: string;
  specifier: string;
  line: number;
  kind: EdgeKind;
}

export type Rule = 'arrow' | 'cycle' | 'computed' | 'unresolved' | 'length';

export interface Violation {
  rule: Rule;
  file: string;
  line: number;
  message: string;
}

export const describe = (v: Violation): string => `${v.file}:${v.line} ${v.message}`;

/** Every source file under `<root>/src`, keyed by its path from root with forward slashes. */
export function readSources(root: string, dir = 'src', into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = posix.join(dir, entry.name);
    if (entry.isDirectory()) readSources(root, rel, into);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) into.set(rel, readFileSync(join(root, rel), 'utf8'));
  }
  return into;
}

interface RawImport {
  specifier: string;
  line: number;
  kind: EdgeKind;
}

interface Computed {
  line: number;
  expression: string;
}

function scriptKind(file: string): ts.ScriptKind {
  return /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

/** The import specifiers of one file as written, and the dynamic ones it cannot read. */
export function importsOf(file: string, text: string): { imports: RawImport[]; computed: Computed[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const imports: RawImport[] = [];
  const computed: Computed[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const literal = (node: ts.Node | undefined): string | null =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null;
  const add = (node: ts.Node, specifier: string, kind: EdgeKind) => imports.push({ specifier, line: lineOf(node), kind });

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const spec = literal(node.moduleSpecifier);
      if (spec !== null) add(node, spec, node.importClause?.isTypeOnly ? 'import type' : 'import');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const spec = literal(node.moduleSpecifier);
      if (spec !== null) add(node, spec, 'export from');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const spec = literal(node.moduleReference.expression);
      if (spec !== null) add(node, spec, 'import = require');
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const spec = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : null;
      if (spec !== null) add(node, spec, 'type import()');
      else computed.push({ line: lineOf(node), expression: arg.getText(source) });
    } else if (ts.isCallExpression(node)) {
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (dynamic || required) {
        const arg = node.arguments[0];
        const spec = literal(arg);
        if (spec !== null) add(node, spec, dynamic ? 'import()' : 'require()');
        else computed.push({ line: lineOf(node), expression: arg ? arg.getText(source) : '' });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, computed };
}

/** The src file a relative specifier names (NodeNext: `./x.js` is `./x.ts`), or null. */
export function resolve(from: string, specifier: string, files: ReadonlyMap<string, string>): string | null {
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const stem = target.replace(/\.(js|mjs|cjs)$/, '');
  const ext = target.slice(stem.length);
  const candidates = [target];
  if (ext === '.js') candidates.push(`${stem}.ts`, `${stem}.tsx`);
  if (ext === '.mjs') candidates.push(`${stem}.mts`);
  if (ext === '.cjs') candidates.push(`${stem}.cts`);
  if (ext === '') candidates.push(`${target}.ts`, `${target}/index.ts`, `${target}.js`);
  return candidates.find((c) => files.has(c)) ?? null;
}

/** `src/cli/x.ts` → `cli`; a file at the top of src/ is its own "folder": `version.ts`. */
export function folderOf(file: string): string {
  return file.split('/')[1] ?? file;
}

const isBrowserModule = (file: string) => file.startsWith('src/dashboard/public/');

/** Every edge between files of src/, with the specifiers that do not resolve and those that cannot be read. */
export function buildGraph(files: ReadonlyMap<string, string>): { edges: Edge[]; violations: Violation[] } {
  const edges: Edge[] = [];
  const violations: Violation[] = [];
  for (const [file, text] of files) {
    const { imports, computed } = importsOf(file, text);
    for (const c of computed) {
      if (OUTSIDE_SRC_IMPORTS.some((u) => u.file === file && u.expression === c.expression)) continue;
      violations.push({ rule: 'computed', file, line: c.line, message: `computed import specifier ${c.expression}: write the target as a string literal` });
    }
    for (const imp of imports) {
      const relative = imp.specifier.startsWith('./') || imp.specifier.startsWith('../');
      if (!relative) {
        // The dashboard's modules run in the browser: an absolute path is a URL the daemon serves.
        const served = imp.specifier.startsWith('/') && isBrowserModule(file);
        const ours = imp.specifier === 'hotctl' || imp.specifier.startsWith('hotctl/') || imp.specifier.startsWith('/') || imp.specifier.startsWith('file:');
        if (ours && !served) violations.push({ rule: 'unresolved', file, line: imp.line, message: `${imp.kind} '${imp.specifier}': reach our own files by a relative path` });
        continue; // a package or a node: built-in
      }
      const to = resolve(file, imp.specifier, files);
      if (to === null) {
        const outside = !posix.normalize(posix.join(posix.dirname(file), imp.specifier)).startsWith('src/');
        violations.push({ rule: 'unresolved', file, line: imp.line, message: `${imp.kind} '${imp.specifier}' ${outside ? 'reaches outside src/' : 'names no file of src/'}` });
        continue;
      }
      edges.push({ from: file, to, specifier: imp.specifier, line: imp.line, kind: imp.kind });
    }
  }
  return { edges, violations };
}

/** Edges between folders that the table does not allow. */
export function arrowViolations(edges: readonly Edge[]): Violation[] {
  const out: Violation[] = [];
  for (const e of edges) {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from === to || (SHARED_LEAVES as readonly string[]).includes(e.to)) continue;
    const message = (why: string) => `${e.kind} '${e.specifier}': ${why}`;
    if ((SHARED_LEAVES as readonly string[]).includes(e.from)) {
      out.push({ rule: 'arrow', file: e.from, line: e.line, message: message(`${from} imports nothing of ours`) });
      continue;
    }
    const allowed = (ALLOWED_ARROWS as Record<string, readonly string[]>)[from];
    if (allowed === undefined) {
      out.push({ rule: 'arrow', file: e.from, line: e.line, message: message(`folder ${from}/ is not in the table of allowed arrows`) });
      continue;
    }
    if (allowed.includes(to) || ARROW_EXCEPTIONS.some((x) => x.from === e.from && x.to === to)) continue;
    out.push({ rule: 'arrow', file: e.from, line: e.line, message: message(`${from} -> ${to} is not an allowed arrow (${from} -> ${allowed.join(', ') || 'nothing'})`) });
  }
  return out;
}

/**
 * File-level cycles: one violation per strongly connected component (Tarjan), printed as one
 * concrete cycle through it, each step with the line of its import.
 */
export function cycleViolations(edges: readonly Edge[]): Violation[] {
  const next = new Map<string, Edge[]>();
  for (const e of edges) {
    const list = next.get(e.from) ?? [];
    if (!list.some((x) => x.to === e.to)) list.push(e);
    next.set(e.from, list);
  }
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of next.get(v) ?? []) {
      if (!index.has(to)) {
        strongConnect(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (next.get(v) ?? []).some((e) => e.to === v);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strongConnect(v);

  return components.map((component) => {
    const members = new Set(component);
    const start = component[0]!;
    // Breadth-first from start back to start inside the component: the shortest cycle through it.
    const via = new Map<string, Edge>();
    const queue = [start];
    let closing: Edge | undefined;
    while (queue.length > 0 && closing === undefined) {
      const v = queue.shift()!;
      for (const e of next.get(v) ?? []) {
        if (!members.has(e.to)) continue;
        if (e.to === start) {
          closing = e;
          break;
        }
        if (!via.has(e.to)) {
          via.set(e.to, e);
          queue.push(e.to);
        }
      }
    }
    const path: Edge[] = [closing!];
    for (let v = closing!.from; v !== start; v = via.get(v)!.from) path.unshift(via.get(v)!);
    const steps = path.map((e) => `${e.from}:${e.line} -(${e.kind})-> ${e.to}`).join('\n    ');
    const more = component.length > path.length ? ` (${component.length} files in this cycle group: ${component.join(', ')})` : '';
    return { rule: 'cycle' as const, file: start, line: path[0]!.line, message: `import cycle${more}:\n    ${steps}` };
  });
}

/** Lines of a file as an editor counts them (a final newline does not start a line). */
export function lineCount(text: string): number {
  if (text.length === 0) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

export function lengthViolations(files: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const n = lineCount(text);
    if (n > MAX_LINES) out.push({ rule: 'length', file, line: MAX_LINES + 1, message: `${n} lines, over ${MAX_LINES}: split it by concern` });
  }
  return out;
}

/** Every violation of every rule over a set of files. */
export function checkArchitecture(files: ReadonlyMap<string, string>): { edges: Edge[]; violations: Violation[] } {
  const { edges, violations } = buildGraph(files);
  return { edges, violations: [...violations, ...arrowViolations(edges), ...cycleViolations(edges), ...lengthViolations(files)] };
}
