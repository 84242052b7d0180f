#!/usr/bin/env node
// Fills the table of every PM2 key in docs/migrating-from-pm2.md from src/config/pm2-keys.ts
// (built). `--check` exits 1 when the page is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { pm2KeysMarkdown } from '../dist/src/config/pm2-keys.js';

const path = new URL('../docs/migrating-from-pm2.md', import.meta.url);
const current = readFileSync(path, 'utf8');
const re = /(<!-- pm2-keys:start -->)[\s\S]*?(<!-- pm2-keys:end -->)/;
if (!re.test(current)) throw new Error('docs/migrating-from-pm2.md has no pm2-keys markers');
const next = current.replace(re, `$1\n${pm2KeysMarkdown()}\n$2`);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('docs/migrating-from-pm2.md is out of date: run `node scripts/gen-pm2-keys.mjs`.');
    process.exit(1);
  }
} else {
  writeFileSync(path, next);
}
