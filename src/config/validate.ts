/**
 * Validation of ecosystem content against the app schema (src/protocol/app-spec.ts), then
 * normalisation into {@link AppSpec}s. Every problem is collected, then reported at once in one
 * E_CONFIG_INVALID error naming file, app, key path, what was expected and what was found.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { AppSpec, KeyDef } from '../protocol/index.js';
import { APP_KEYS, appDefaults, ENV_BLOCK_PATTERN, HotctlError, PM2_UNSUPPORTED_KEYS } from '../protocol/index.js';
import { cronProblem } from './cron-expression.js';
import { didYouMean } from './did-you-mean.js';
import { envStrings, parseDuration, parseMemory, resolveInstances, splitArgs } from './normalize.js';
import { resolveNodeScript, resolveNpmScript, packageManagerOf } from './npm-script.js';
import { compatApp, documentApps, isNodeInterpreter } from './pm2-compat.js';
import type { AddProblem, ConfigProblem, ConfigWarning } from './problems.js';
import { normalizeCanaryPlan } from './canary-plan.js';
import { checkValue, describe, expectedOf } from './value-check.js';

export type { ConfigProblem, ConfigWarning } from './problems.js';

export interface ValidateContext {
  file: string | null;
  /** Relative `cwd`s are resolved from here (the ecosystem file's directory). */
  baseDir: string;
  envName?: string;
  /** For `instances: "max"`; default: this machine's. */
  cores?: number;
}

const TOP_LEVEL_KEYS = ['apps', '$schema'];

/** Validates a whole ecosystem document and returns its normalised apps. Throws E_CONFIG_INVALID. */
export function validateEcosystem(raw: unknown, ctx: ValidateContext): { apps: AppSpec[]; warnings: ConfigWarning[] } {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigWarning[] = [];
  const problem = (p: Omit<ConfigProblem, 'file'>) => problems.push({ file: ctx.file, ...p });
  // PM2's shapes: { apps: [...] }, { apps: {...} }, { pm2: [...] }, [...], or one app object.
  const doc = documentApps(raw);
  if (!doc) {
    problem({ app: null, path: '(file)', expected: 'an object { "apps": [...] }, a list of apps or one app', found: describe(raw) });
    throw invalid(ctx, problems);
  }
  for (const w of doc.warnings) warnings.push({ file: ctx.file, app: null, ...w });
  for (const key of doc.others) {
    problem({ app: null, path: key, expected: 'only "apps" (and "$schema") at the top level', found: `unknown key "${key}"`, suggestion: didYouMean(key, TOP_LEVEL_KEYS) });
  }
  const apps = doc.apps;
  if (!Array.isArray(apps) || apps.length === 0) {
    problem({ app: null, path: 'apps', expected: 'a non-empty list of apps', found: describe(apps) });
    throw invalid(ctx, problems);
  }
  const specs: AppSpec[] = [];
  const seen = new Map<string, number>();
  let envBlockFound = false;
  apps.forEach((entry, index) => {
    const result = validateApp(entry, index, ctx, problem, warnings);
    if (!result) return;
    envBlockFound ||= result.hasEnvBlock;
    const first = seen.get(result.spec.name);
    if (first !== undefined) {
      problem({ app: result.spec.name, path: `apps[${index}].name`, expected: 'a name used by one app only', found: `"${result.spec.name}", also the name of apps[${first}]` });
    } else {
      seen.set(result.spec.name, index);
    }
    specs.push(result.spec);
  });
  if (problems.length > 0) throw invalid(ctx, problems);
  if (ctx.envName && !envBlockFound) {
    warnings.push({ file: ctx.file, app: null, key: `env_${ctx.envName}`, message: `--env ${ctx.envName} was given but no app has an "env_${ctx.envName}" block` });
  }
  return { apps: specs, warnings };
}

function validateApp(entry: unknown, index: number, ctx: ValidateContext, problem: AddProblem, warnings: ConfigWarning[]): { spec: AppSpec; hasEnvBlock: boolean } | null {
  const at = `apps[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problem({ app: at, path: at, expected: 'an app object { "name", "script", ... }', found: describe(entry) });
    return null;
  }
  const compat = compatApp(entry as Record<string, unknown>, at, ctx.envName);
  const raw = compat.app;
  const nameOk = typeof raw.name === 'string' && new RegExp(APP_KEYS.name.pattern).test(raw.name);
  const app = nameOk ? (raw.name as string) : at;
  let found = 0;
  const add: AddProblem = (p) => {
    found++;
    problem(p);
  };
  for (const p of compat.problems) add({ app, ...p });
  for (const w of compat.warnings) warnings.push({ file: ctx.file, app, ...w });
  const knownKeys = Object.keys(APP_KEYS);
  let hasEnvBlock = false;
  for (const [key, value] of Object.entries(raw)) {
    if (key in APP_KEYS) {
      checkValue(APP_KEYS[key as keyof typeof APP_KEYS], value, `${at}.${key}`, app, add);
    } else if (ENV_BLOCK_PATTERN.test(key)) {
      if (key === `env_${ctx.envName}`) hasEnvBlock = true;
      checkValue({ kind: 'env', description: '' }, value, `${at}.${key}`, app, add);
    } else if ((PM2_UNSUPPORTED_KEYS as readonly string[]).includes(key)) {
      warnings.push({ file: ctx.file, app, key, message: `"${key}" is a PM2 key that hotctl does not support; it is ignored` });
    } else {
      add({ app, path: `${at}.${key}`, expected: 'a known app key', found: `unknown key "${key}"`, suggestion: didYouMean(key, [...knownKeys, ...PM2_UNSUPPORTED_KEYS]) });
    }
  }
  for (const [key, def] of Object.entries(APP_KEYS) as [string, KeyDef][]) {
    if (def.required && raw[key] === undefined) add({ app, path: `${at}.${key}`, expected: `${expectedOf(def)} (required)`, found: 'nothing' });
  }
  if (typeof raw.cron_restart === 'string') {
    const why = cronProblem(raw.cron_restart);
    if (why !== null) add({ app, path: `${at}.cron_restart`, expected: 'a cron expression (5 fields, or 6 with seconds first), e.g. "0 3 * * *"', found: `${describe(raw.cron_restart)}: ${why}` });
  }
  if (found > 0) return null;

  const cwd = resolve(ctx.baseDir, typeof raw.cwd === 'string' ? raw.cwd : '.');
  if (!existsSync(cwd)) {
    add({ app, path: `${at}.cwd`, expected: 'an existing directory', found: cwd });
    return null;
  }
  let script = isAbsolute(raw.script as string) ? (raw.script as string) : resolve(cwd, raw.script as string);
  const manager = packageManagerOf(raw.script as string);
  const viaNode = !manager && isNodeInterpreter(raw.script as string) && !existsSync(script);
  if ((manager || viaNode) && !existsSync(script)) {
    // `script: "npm", args: "start"`: the file package.json's script runs (see npm-script.ts);
    // `script: "node", args: "bin/cli.js serve"`: that file runs.
    const npm = viaNode ? resolveNodeScript(raw.args, cwd) : resolveNpmScript(manager!, raw.args, cwd);
    if (!('script' in npm)) {
      add({ app, path: `${at}.script`, ...npm });
      return null;
    }
    script = npm.script;
    raw.args = npm.args;
    if (npm.nodeArgs.length > 0) raw.node_args = [...(raw.node_args === undefined ? [] : typeof raw.node_args === 'string' ? splitArgs(raw.node_args) : (raw.node_args as string[])), ...npm.nodeArgs];
    if (Object.keys(npm.env).length > 0) raw.env = { ...(raw.env as Record<string, string> | undefined), ...npm.env };
    warnings.push({ file: ctx.file, app, key: 'script', message: viaNode ? `"${npm.source}": hotctl runs ${script} directly` : `"${manager}" runs package.json's ${npm.source}: hotctl runs ${script} directly` });
  }
  if (raw.script === 'serve' && !existsSync(script)) {
    add({ app, path: `${at}.script`, expected: 'a JavaScript file: "serve" is PM2\'s built-in static file server (`pm2 serve`), which hotctl does not have; serve the files from your app, or point "script" at a static server\'s entry file', found: '"serve"' });
    return null;
  }
  if (!existsSync(script) || !statSync(script).isFile()) {
    add({ app, path: `${at}.script`, expected: manager ? 'an existing file (or "npm"/"yarn"/"pnpm" with args naming a package.json script)' : 'an existing file', found: script });
    return null;
  }
  return { spec: normalizeApp(raw, { script, cwd, envName: ctx.envName, cores: ctx.cores ?? availableParallelism() }), hasEnvBlock };
}

function normalizeApp(raw: Record<string, unknown>, o: { script: string; cwd: string; envName?: string; cores: number }): AppSpec {
  const spec: Record<string, unknown> = { ...appDefaults() };
  for (const [key, def] of Object.entries(APP_KEYS) as [string, KeyDef][]) {
    const value = raw[key];
    if (value === undefined) continue;
    switch (def.kind) {
      case 'string-list':
        spec[key] = typeof value === 'string' ? splitArgs(value) : (value as unknown[]).map(String);
        break;
      case 'instances':
        spec[key] = resolveInstances(typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : (value as number | string), o.cores);
        break;
      case 'memory':
        spec[key] = parseMemory(value);
        break;
      case 'integer':
        spec[key] = def.unit === 'ms' ? parseDuration(value) : value;
        break;
      case 'env':
        spec[key] = envStrings(value as Record<string, string>);
        break;
      case 'watch':
        spec[key] = typeof value === 'string' ? [value] : value;
        break;
      case 'integer-list':
        spec[key] = typeof value === 'number' ? [value] : [...(value as number[])];
        break;
      case 'canary-plan':
        spec[key] = normalizeCanaryPlan(value);
        break;
      default:
        spec[key] = value;
    }
  }
  // PM2: `restart_delay` alone is a fixed delay; the exponential backoff applies only when the
  // file asks for it (hotctl's default backoff would otherwise override the delay written).
  if (raw.restart_delay !== undefined && raw.exp_backoff_restart_delay === undefined) spec.exp_backoff_restart_delay = 0;
  if (Array.isArray(spec.interpreter_args)) {
    spec.node_args = [...(spec.node_args as string[]), ...(spec.interpreter_args as string[])];
    delete spec.interpreter_args;
  }
  const block = o.envName ? raw[`env_${o.envName}`] : undefined;
  if (block && typeof block === 'object') spec.env = { ...(spec.env as Record<string, string>), ...envStrings(block as Record<string, string>) };
  if (typeof spec.port === 'number' && (spec.env as Record<string, string>).PORT === undefined) {
    spec.env = { ...(spec.env as Record<string, string>), PORT: String(spec.port) };
  }
  spec.script = o.script;
  spec.cwd = o.cwd;
  return spec as AppSpec;
}

function invalid(ctx: ValidateContext, problems: ConfigProblem[]): HotctlError {
  const where = ctx.file ?? 'the app spec';
  return new HotctlError('E_CONFIG_INVALID', `${where} is invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`, {
    details: { file: ctx.file, problems },
  });
}
