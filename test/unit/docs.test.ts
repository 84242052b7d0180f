import t from 'tap';
import { readFileSync } from 'node:fs';
import { ERROR_CODE_LIST } from '../../src/protocol/index.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

t.test('the README documents every error code of the registry, and no other', async (t) => {
  const documented = [...readme.matchAll(/^\| `(E_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  t.same(documented.sort(), [...ERROR_CODE_LIST].sort());
});

t.test('the README tables are generated from the current registries', async (t) => {
  const gen = (await import(new URL('../../../scripts/gen-docs.mjs', import.meta.url).href)) as { render(text: string): string };
  t.equal(gen.render(readme), readme, 'run `npm run docs`');
});
