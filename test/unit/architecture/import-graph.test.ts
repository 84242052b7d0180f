/**
 * The architecture of src/ as a test: only the allowed arrows between folders, no import cycle
 * (type imports included), no import whose target cannot be read, no file over 300 lines.
 * The first tests show that the checker catches each kind of violation; the last ones run it
 * over src/ and print every violation as file:line.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ALLOWED_ARROWS,
  ARROW_EXCEPTIONS,
  checkArchitecture,
  describe,
  importsOf,
  MAX_LINES,
  readSources,
  type Rule,
} from '../../helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const check = (files: Record<string, string>) => checkArchitecture(new Map(Object.entries(files)));
const found = (files: Record<string, string>, rule: Rule) => check(files).violations.filter((v) => v.rule === rule).map(describe);

t.test('the checker reads every kind of import edge, type-only ones included', async (t) => {
  const text = [
    "import { a } from './a.js';",
    "import type { B } from './b.js';",
    "export { c } from './c.js';",
    "export * from './d.js';",
    "import e = require('./e.js');",
    "const f = await import('./f.js');",
    "const g = require(`./g.js`);",
    "type H = import('./h.js').H;",
    "import 'node:fs';",
    "const s = \"import('./not-code.js')\";",
  ].join('\n');
  t.same(
    importsOf('src/x/x.ts', text).imports.map((i) => `${i.line} ${i.kind} ${i.specifier}`),
    ['1 import ./a.js', '2 import type ./b.js', '3 export from ./c.js', '4 export from ./d.js', '5 import = require ./e.js', '6 import() ./f.js', '7 require() ./g.js', '8 type import() ./h.js', '9 import node:fs'],
  );
});

t.test('an arrow outside the table is reported with file and line; the listed exceptions are not', async (t) => {
  const files = {
    'src/protocol/p.ts': 'export const p = 1;\n',
    'src/daemon/state.ts': 'export const d = 1;\n',
    'src/cli/a.ts': "import { p } from '../protocol/p.js';\n\nimport type { d } from '../daemon/state.js';\n",
    'src/cli/commands/run.ts': "const { d } = await import('../../daemon/state.js');\nimport { HOTCTL_VERSION } from '../../version.js';\n",
    'src/version.ts': 'export const HOTCTL_VERSION = "1";\n',
    'src/newfolder/n.ts': "import { p } from '../protocol/p.js';\n",
  };
  t.same(found(files, 'arrow'), [
    "src/cli/a.ts:3 import type '../daemon/state.js': cli -> daemon is not an allowed arrow (cli -> protocol, config, format, platform)",
    "src/newfolder/n.ts:1 import '../protocol/p.js': folder newfolder/ is not in the table of allowed arrows",
  ]);
  t.same(found({ 'src/version.ts': "import '../src/protocol/p.js';\n", 'src/protocol/p.ts': '' }, 'arrow'), [
    "src/version.ts:1 import '../src/protocol/p.js': version.ts imports nothing of ours",
  ]);
});

t.test('a cycle is reported as its path, also when it goes through type-only imports', async (t) => {
  const files = {
    'src/cluster/supervisor.ts': "import { surge } from './reload-surge.js';\n",
    'src/cluster/reload-surge.ts': "\nimport type { Supervisor } from './supervisor.js';\n",
    'src/cluster/self.ts': "export * from './self.js';\n",
    'src/cluster/leaf.ts': "import { surge } from './reload-surge.js';\n",
  };
  t.same(found(files, 'cycle'), [
    'src/cluster/reload-surge.ts:2 import cycle:\n    src/cluster/reload-surge.ts:2 -(import type)-> src/cluster/supervisor.ts\n    src/cluster/supervisor.ts:1 -(import)-> src/cluster/reload-surge.ts',
    'src/cluster/self.ts:1 import cycle:\n    src/cluster/self.ts:1 -(export from)-> src/cluster/self.ts',
  ]);
  t.same(found({ 'src/cluster/a.ts': "import './b.js';\n", 'src/cluster/b.ts': '' }, 'cycle'), [], 'no cycle, nothing reported');
});

t.test('a dynamic import or require whose target cannot be read is reported; the user-code loaders are not', async (t) => {
  const files = {
    'src/cli/bridge.ts': "const at = (n: string) => `../config/${n}.js`;\nconst m = await import(at('load'));\nrequire(name);\nawait import(`../config/${n}.js`);\n",
    'src/runtime/loader.ts': 'return import(pathToFileURL(script).href);\n',
  };
  t.same(found(files, 'computed'), [
    "src/cli/bridge.ts:2 computed import specifier at('load'): write the target as a string literal",
    'src/cli/bridge.ts:3 computed import specifier name: write the target as a string literal',
    'src/cli/bridge.ts:4 computed import specifier `../config/${n}.js`: write the target as a string literal',
  ]);
});

t.test('a relative import that names no file, or leaves src/, is reported', async (t) => {
  t.same(found({ 'src/cli/a.ts': "import './gone.js';\nimport '../../package.json';\n" }, 'unresolved'), [
    "src/cli/a.ts:1 import './gone.js' names no file of src/",
    "src/cli/a.ts:2 import '../../package.json' reaches outside src/",
  ]);
});

t.test(`a file of more than ${MAX_LINES} lines is reported, browser modules included`, async (t) => {
  const lines = (n: number) => 'x;\n'.repeat(n);
  t.same(found({ 'src/cli/ok.ts': lines(MAX_LINES), 'src/dashboard/public/app.js': lines(MAX_LINES + 1) }, 'length'), [
    `src/dashboard/public/app.js:${MAX_LINES + 1} ${MAX_LINES + 1} lines, over ${MAX_LINES}: split it by concern`,
  ]);
});

t.test('docs/architecture.md lists the same arrows as this test', async (t) => {
  const doc = readFileSync(`${ROOT}docs/architecture.md`, 'utf8');
  const rows = Object.fromEntries(
    [...doc.matchAll(/^\| `([a-z]+)\/` \| (.*) \|$/gm)].map((m) => [m[1], m[2] === 'nothing' ? [] : [...m[2]!.matchAll(/`([a-z]+)\/`/g)].map((x) => x[1]).sort()]),
  );
  t.same(rows, Object.fromEntries(Object.entries(ALLOWED_ARROWS).map(([k, v]) => [k, [...v].sort()])));
  for (const x of ARROW_EXCEPTIONS) t.match(doc, x.from, `the exception ${x.from} -> ${x.to} is documented`);
});

const { edges, violations } = checkArchitecture(readSources(ROOT));

const rules: Array<[Rule, string]> = [
  ['arrow', 'every import between folders of src/ follows an allowed arrow'],
  ['cycle', 'src/ has no import cycle, type imports included'],
  ['computed', 'every dynamic import in src/ names its target literally'],
  ['unresolved', 'every relative import in src/ names a file of src/'],
  ['length', `no file of src/ is over ${MAX_LINES} lines`],
];

for (const [rule, name] of rules) {
  t.test(name, async (t) => {
    const mine = violations.filter((v) => v.rule === rule).map(describe);
    t.comment(`${edges.length} import edges read between ${new Set(edges.flatMap((e) => [e.from, e.to])).size} files of src/`);
    t.same(mine, [], `${mine.length} violation(s), each as file:line`);
  });
}
