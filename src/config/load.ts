/**
 * Loading ecosystem files: `.json` (with an optional "$schema"), and JS modules (`.js`, `.cjs`,
 * `.mjs`) exporting `{ apps: [...] }` (module.exports or export default).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { ConfigWarning } from './validate.js';
import { validateEcosystem } from './validate.js';

export type { ConfigProblem, ConfigWarning } from './validate.js';

export interface LoadedEcosystem {
  file: string;
  apps: AppSpec[];
  warnings: ConfigWarning[];
}

export async function loadEcosystem(file: string, options: { envName?: string; cwd?: string } = {}): Promise<LoadedEcosystem> {
  const path = resolve(options.cwd ?? process.cwd(), file);
  if (!existsSync(path)) {
    throw new HotctlError('E_CONFIG_NOT_FOUND', `The ecosystem file ${path} does not exist.`, { details: { file: path } });
  }
  const raw = extname(path) === '.json' ? readJson(path) : await importModule(path);
  const { apps, warnings } = validateEcosystem(raw, { file: path, baseDir: dirname(path), envName: options.envName });
  return { file: path, apps, warnings };
}

/** Whether `hotctl start X` got an ecosystem file rather than a script. */
export function isEcosystemPath(arg: string): boolean {
  const name = basename(arg);
  return name.endsWith('.json') || /\.config\.(c|m)?js$/.test(name) || /^ecosystem.*\.(c|m)?js$/.test(name);
}

function readJson(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw new HotctlError('E_CONFIG_LOAD', `${path} is not valid JSON${where}: ${message}`, { details: { file: path, cause: message } });
  }
}

async function importModule(path: string): Promise<unknown> {
  let mod: { default?: unknown; apps?: unknown };
  try {
    mod = (await import(`${pathToFileURL(path).href}?t=${Date.now()}`)) as typeof mod;
  } catch (err) {
    const e = err as Error;
    throw new HotctlError('E_CONFIG_LOAD', `${path} could not be loaded: ${e.message}`, { details: { file: path, cause: e.message, stack: e.stack } });
  }
  if (mod.apps !== undefined) return { apps: mod.apps };
  return mod.default;
}
