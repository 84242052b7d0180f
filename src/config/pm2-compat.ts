/**
 * PM2's spellings and forms, turned into hotctl's before validation (see pm2-keys.ts): the shapes
 * of a file (a list of apps, one app, `pm2` instead of `apps`), aliases and camelCase keys, the
 * default name, `interpreter`, `source_map_support`, `append_env_to_name`, and the PM2 keys that
 * are accepted with a warning. Pure: no I/O.
 */
import { basename } from 'node:path';
import { APP_KEYS, ENV_BLOCK_PATTERN } from '../protocol/index.js';
import { packageManagerOf } from './npm-script.js';
import type { Pm2Key } from './pm2-keys.js';
import { pm2Key, PM2_TOP_LEVEL_KEYS, snakeCase } from './pm2-keys.js';

export interface CompatProblem {
  path: string;
  expected: string;
  found: string;
}

export interface CompatWarning {
  key: string;
  message: string;
}

export interface CompatDocument {
  /** The app entries, as found (not yet checked). */
  apps: unknown;
  /** Top-level keys other than the apps (and what to say of them). */
  others: string[];
  warnings: CompatWarning[];
}

const APP_LIKE = ['script', 'exec', 'cmd', 'command', 'name'];

/**
 * The app list of a document in any of PM2's shapes: `{ apps: [...] }`, `{ apps: {...} }`,
 * `{ pm2: [...] }`, `[...]`, or one app object. `others` are the top-level keys left to check.
 */
export function documentApps(raw: unknown): CompatDocument | null {
  if (Array.isArray(raw)) return { apps: raw, others: [], warnings: [] };
  if (typeof raw !== 'object' || raw === null) return null;
  const doc = raw as Record<string, unknown>;
  const warnings: CompatWarning[] = [];
  let apps: unknown;
  if ('apps' in doc) apps = doc.apps;
  else if ('pm2' in doc) apps = doc.pm2;
  else if (APP_LIKE.some((k) => k in doc)) return { apps: [doc], others: [], warnings };
  else apps = undefined;
  const others: string[] = [];
  for (const key of Object.keys(doc)) {
    if (key === 'apps' || key === '$schema' || (key === 'pm2' && !('apps' in doc))) continue;
    const row = Object.hasOwn(PM2_TOP_LEVEL_KEYS, key) ? (PM2_TOP_LEVEL_KEYS as Record<string, Pm2Key>)[key] : undefined;
    if (row?.treatment === 'warned') warnings.push({ key, message: `"${key}" (top level): ${row.note}` });
    else others.push(key);
  }
  return { apps: apps !== null && typeof apps === 'object' && !Array.isArray(apps) ? [apps] : apps, others, warnings };
}

/** PM2's default name: the script's file name without its (last) extension. */
export function defaultName(script: string): string {
  const base = basename(script);
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? base.slice(0, dot) : base;
  return name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[._-]+/, '').slice(0, 64) || 'app';
}

const NODE_NAMES = /^(node|nodejs)(\.exe)?$/;

/** Whether an `interpreter` value means Node.js. */
export function isNodeInterpreter(value: string): boolean {
  return NODE_NAMES.test(basename(value.trim()));
}

/** The hotctl key a written key stands for: itself, its snake_case, or its alias target. */
function canonical(key: string): { key: string; row?: Pm2Key } {
  if (key in APP_KEYS || ENV_BLOCK_PATTERN.test(key)) return { key };
  const direct = pm2Key(key);
  if (direct) return { key, row: direct };
  const snake = snakeCase(key);
  if (snake !== key) {
    if (snake in APP_KEYS) return { key: snake };
    const row = pm2Key(snake);
    if (row) return { key: snake, row };
  }
  return { key };
}

export interface CompatApp {
  app: Record<string, unknown>;
  problems: CompatProblem[];
  warnings: CompatWarning[];
}

/**
 * One app entry with PM2's spellings turned into hotctl's. Keys hotctl does not know stay as
 * they are, for validate.ts to report.
 */
export function compatApp(raw: Record<string, unknown>, at: string, envName?: string): CompatApp {
  const app: Record<string, unknown> = {};
  const problems: CompatProblem[] = [];
  const warnings: CompatWarning[] = [];
  const writtenAs = new Map<string, string>();
  const put = (key: string, value: unknown, written: string) => {
    const before = writtenAs.get(key);
    if (before !== undefined) {
      problems.push({ path: `${at}.${written}`, expected: `one of "${before}" and "${written}" (both mean "${key}")`, found: 'both' });
      return;
    }
    writtenAs.set(key, written);
    app[key] = value;
  };
  const extraNodeArgs: string[] = [];
  let appendEnv = false;
  for (const [written, value] of Object.entries(raw)) {
    const { key, row } = canonical(written);
    if (!row || row.treatment === 'supported' || row.treatment === 'owned') {
      put(key, value, written);
      continue;
    }
    switch (row.treatment) {
      case 'alias': {
        const target = row.target!;
        // interpreter_args adds to node_args (both may be given, as in PM2's own examples).
        if (target === 'node_args') put('interpreter_args', value, written);
        else put(target, value, written);
        break;
      }
      case 'accepted':
        break;
      case 'warned':
        warnings.push({ key: written, message: `"${written}": ${row.note}` });
        break;
      case 'converted':
        if (key === 'interpreter' || key === 'exec_interpreter') {
          const text = typeof value === 'string' ? value : '';
          // `interpreter: "none"` is PM2's idiom for `script: "npm"`: the npm script is resolved to a file (npm-script.ts).
          const scriptValue = raw.script ?? raw.exec ?? raw.cmd ?? raw.command;
          const forPackageManager = text === 'none' && typeof scriptValue === 'string' && packageManagerOf(scriptValue) !== undefined;
          if (!isNodeInterpreter(text) && !forPackageManager) {
            problems.push({
              path: `${at}.${written}`,
              expected:
                '"node" (hotctl runs Node.js scripts only, on the Node.js that runs hotctl). For TypeScript, compile first or load a loader: "node_args": ["--import", "tsx"]; for another language, run it with systemd or a container',
              found: JSON.stringify(value),
            });
          }
        } else if (key === 'source_map_support') {
          if (value === true) extraNodeArgs.push('--enable-source-maps');
        } else if (key === 'append_env_to_name') {
          appendEnv = value === true;
        }
        break;
    }
  }
  if (extraNodeArgs.length > 0) {
    const current = app.node_args;
    if (current === undefined) app.node_args = extraNodeArgs;
    else if (Array.isArray(current)) app.node_args = [...(current as unknown[]), ...extraNodeArgs];
    else if (typeof current === 'string') app.node_args = `${current} ${extraNodeArgs.join(' ')}`;
  }
  if (app.name === undefined && typeof app.script === 'string' && app.script.length > 0) app.name = defaultName(app.script);
  if (appendEnv && envName && typeof app.name === 'string') app.name = `${app.name}-${envName}`;
  return { app, problems, warnings };
}
