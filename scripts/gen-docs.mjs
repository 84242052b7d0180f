#!/usr/bin/env node
// Fills the README's generated tables (app keys, exit codes, error codes) from the registries
// in src/protocol. `node scripts/gen-docs.mjs --check` exits 1 when the README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { APP_KEYS, ERROR_CODES, EXIT_CODE_TABLE, EXIT_CODES } from '../dist/src/protocol/index.js';

const readmePath = new URL('../README.md', import.meta.url);
const esc = (s) => String(s).replaceAll('|', '\\|');

export function keysTable() {
  const rows = Object.entries(APP_KEYS).map(([key, def]) => {
    const type = def.kind === 'enum' ? def.values.map((v) => `\`"${v}"\``).join(', ') : def.kind;
    // `name` is required in a spec, but a file may leave it out: PM2's default applies (described).
    const dflt = key === 'name' ? "the script's name" : def.required ? 'required' : def.default === undefined ? '—' : `\`${JSON.stringify(def.default)}\``;
    return `| \`${key}\` | ${esc(type)} | ${esc(dflt)} | ${esc(def.description)} |`;
  });
  return ['| key | type | default | meaning |', '|---|---|---|---|', ...rows, '| `env_<name>` | env | — | Env merged over `env` with `--env <name>`. |'].join('\n');
}

export function exitTable() {
  const rows = Object.entries(EXIT_CODE_TABLE).map(([name, e]) => `| ${e.code} | ${name} | ${esc(e.meaning)} |`);
  return ['| code | name | meaning |', '|---|---|---|', ...rows].join('\n');
}

export function errorTable() {
  const rows = Object.entries(ERROR_CODES).map(([code, e]) => `| \`${code}\` | ${EXIT_CODES[e.exit]} | ${e.http} | ${esc(e.message)} | ${esc(e.hint)} |`);
  return ['| code | exit | HTTP | meaning | how to fix |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function render(text) {
  const fill = (name, body) => {
    const re = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(text)) throw new Error(`README has no ${name} markers`);
    text = text.replace(re, `$1\n${body}\n$2`);
  };
  fill('keys', keysTable());
  fill('exit-codes', exitTable());
  fill('error-codes', errorTable());
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const current = readFileSync(readmePath, 'utf8');
  const next = render(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md tables are out of date: run `npm run docs`.');
      process.exit(1);
    }
  } else {
    writeFileSync(readmePath, next);
  }
}
