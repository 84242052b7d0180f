/**
 * Loading ecosystem files, in every form PM2 reads:
 * - `.json`: JSON; when it is not strict JSON, read as PM2 reads it, as one JavaScript expression
 *   (comments, unquoted keys, trailing commas), evaluated in an empty context with a time limit;
 * - `.json5`: the same;
 * - `.yml` / `.yaml`: YAML;
 * - JS modules (`.js`, `.cjs`, `.mjs`) exporting `{ apps: [...] }` (module.exports or export
 *   default, possibly a promise), loaded in a worker thread so that a file that never finishes
 *   (an endless loop, a promise that never settles) fails after a time limit instead of hanging.
 * A file larger than {@link MAX_ECOSYSTEM_BYTES} is refused before it is read. The shapes of the
 * content (a list of apps, one app, `pm2` instead of `apps`) are validate.ts's business.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { ConfigWarning } from './problems.js';
import { validateEcosystem } from './validate.js';

export type { ConfigProblem, ConfigWarning } from './problems.js';

/** Ecosystem files are small; anything bigger is a mistake (and would not fit a control message). */
export const MAX_ECOSYSTEM_BYTES = 1024 * 1024;
/** How long a JS ecosystem file may take to produce its apps. */
export const CONFIG_LOAD_TIMEOUT_MS = 10_000;

export interface LoadedEcosystem {
  file: string;
  apps: AppSpec[];
  warnings: ConfigWarning[];
}

export interface LoadOptions {
  envName?: string;
  cwd?: string;
  /** For JS files; default {@link CONFIG_LOAD_TIMEOUT_MS}. */
  timeoutMs?: number;
}

export async function loadEcosystem(file: string, options: LoadOptions = {}): Promise<LoadedEcosystem> {
  const path = resolve(options.cwd ?? process.cwd(), file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new HotctlError('E_CONFIG_NOT_FOUND', `The ecosystem file ${path} does not exist.`, { details: { file: path } });
  }
  const size = statSync(path).size;
  if (size > MAX_ECOSYSTEM_BYTES) {
    throw new HotctlError('E_CONFIG_LOAD', `${path} is ${formatBytes(size)}; ecosystem files are limited to ${formatBytes(MAX_ECOSYSTEM_BYTES)}.`, {
      hint: 'An ecosystem file lists apps and their settings; keep data (large env values, certificates) in files the app reads itself.',
      details: { file: path, bytes: size, limit: MAX_ECOSYSTEM_BYTES },
    });
  }
  const raw = await readContent(path, options.timeoutMs ?? CONFIG_LOAD_TIMEOUT_MS);
  const { apps, warnings } = validateEcosystem(raw, { file: path, baseDir: dirname(path), envName: options.envName });
  return { file: path, apps, warnings };
}

const TEXT_FORMATS = ['.json', '.json5'];
const YAML_FORMATS = ['.yml', '.yaml'];

/** Whether `hotctl start X` got an ecosystem file rather than a script. */
export function isEcosystemPath(arg: string): boolean {
  const name = basename(arg);
  const ext = extname(name);
  return TEXT_FORMATS.includes(ext) || YAML_FORMATS.includes(ext) || /\.config\.(c|m)?js$/.test(name) || /^ecosystem.*\.(c|m)?js$/.test(name);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

async function readContent(path: string, timeoutMs: number): Promise<unknown> {
  const ext = extname(path);
  if (TEXT_FORMATS.includes(ext)) return readJsonLike(path);
  if (YAML_FORMATS.includes(ext)) return readYaml(path);
  return importModule(path, timeoutMs);
}

function loadError(path: string, message: string, cause: string): HotctlError {
  return new HotctlError('E_CONFIG_LOAD', message, { details: { file: path, cause } });
}

function readJsonLike(path: string): unknown {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    // PM2 reads a .json process file as one JavaScript expression: comments, unquoted keys,
    // single quotes and trailing commas are all fine there. Evaluated in an empty context, with
    // no require, process or timers, and a time limit.
    try {
      const value: unknown = runInNewContext(`(${text}\n)`, Object.create(null) as object, { filename: path, timeout: 1000 });
      // Back to plain data: values of another context (and functions) do not travel.
      return JSON.parse(JSON.stringify(value ?? null)) as unknown;
    } catch {
      // not that either: report the JSON error, which says where
    }
    const pos = /position (\d+)/.exec(message);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw loadError(path, `${path} is not valid JSON${where}: ${message}`, message);
  }
}

async function readYaml(path: string): Promise<unknown> {
  const text = readFileSync(path, 'utf8');
  let yaml: { parse(text: string): unknown };
  try {
    yaml = (await import('yaml')) as typeof yaml;
  } catch {
    throw loadError(path, `${path} is YAML, and the "yaml" package that reads it is not installed.`, 'yaml missing');
  }
  try {
    return yaml.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    throw loadError(path, `${path} is not valid YAML: ${message}`, message);
  }
}

/** The code of the worker thread that imports a JS ecosystem file and posts what it exports. */
const IMPORTER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  let mod;
  try {
    mod = await import(workerData.url);
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err), stack: err && err.stack });
    return;
  }
  let value = mod.apps !== undefined ? { apps: mod.apps } : mod.default;
  try {
    value = await value;
    if (value && typeof value === 'object' && value.apps && typeof value.apps.then === 'function') value = { ...value, apps: await value.apps };
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err), stack: err && err.stack });
    return;
  }
  parentPort.postMessage({ json: JSON.stringify(value === undefined ? null : value) });
})();
`;

async function importModule(path: string, timeoutMs: number): Promise<unknown> {
  const worker = new Worker(IMPORTER, { eval: true, workerData: { url: `${pathToFileURL(path).href}?t=${Date.now()}` }, stdout: false, stderr: false });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        new HotctlError('E_CONFIG_LOAD', `${path} did not produce its apps within ${timeoutMs / 1000} s (an endless loop, or a promise that never settles?).`, {
          hint: 'An ecosystem file should export its apps at once; look for a loop or an await that waits for something that never comes.',
          details: { file: path, timeout_ms: timeoutMs },
        }),
      );
    }, timeoutMs);
    let settled = false;
    worker.once('message', (msg: { error?: string; stack?: string; json?: string }) => {
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (msg.error !== undefined) {
        reject(new HotctlError('E_CONFIG_LOAD', `${path} could not be loaded: ${msg.error}`, { details: { file: path, cause: msg.error, stack: msg.stack } }));
      } else {
        resolvePromise(JSON.parse(msg.json ?? 'null'));
      }
    });
    worker.once('error', (err) => {
      settled = true;
      clearTimeout(timer);
      reject(new HotctlError('E_CONFIG_LOAD', `${path} could not be loaded: ${err.message}`, { details: { file: path, cause: err.message, stack: err.stack } }));
    });
    worker.once('exit', () => {
      if (settled) return;
      clearTimeout(timer);
      // Nothing posted and nothing left to run: a top-level await or exported promise that can never settle.
      reject(
        new HotctlError('E_CONFIG_LOAD', `${path} finished without producing its apps (a promise that never settles?).`, {
          hint: 'An ecosystem file should export its apps at once; look for an await that waits for something that never comes.',
          details: { file: path },
        }),
      );
    });
  });
}
