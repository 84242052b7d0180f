/**
 * A worker's environment, built whole here: nothing else reaches it (worker-host.ts forks with
 * the daemon's own `process.env` out of the way, since `cluster.fork` merges it under `env`).
 *
 *   inherited_env (the shell that ran `start` / `reload --update-env`), less `filter_env`
 *   < the spec's `env` (the file's `env` and `env_<name>`, `port`)
 *   < `instance_var` (default NODE_APP_INSTANCE) = the instance number, `increment_var` + instance
 *   < the runtime's own variables (RUNTIME_ENV: HOTCTL_APP, HOTCTL_REVISION, …).
 *
 * No other `HOTCTL_*` variable reaches an app: they are hotctl's settings (HOTCTL_HOME,
 * HOTCTL_HTTP_TOKEN, …), and a worker holding the HTTP token could drive the daemon. Pure.
 */
import type { AppSpec } from '../protocol/index.js';
import { RUNTIME_ENV } from '../protocol/index.js';

/** PM2's default name of the per-instance index variable. */
export const DEFAULT_INSTANCE_VAR = 'NODE_APP_INSTANCE';

/** hotctl's own settings: never copied into an app's env from a shell or a file. HOTCTL_REQUEST_COUNTING and HOTCTL_REQUEST_OUTCOMES are the runtime's, set for an app on purpose. */
export function isHotctlSetting(name: string): boolean {
  return name.startsWith('HOTCTL_') && name !== RUNTIME_ENV.requestCounting && name !== RUNTIME_ENV.requestOutcomes;
}

/** `filter_env` as PM2 applies it: true drops all, a string drops that name, a list drops names containing any of its strings. */
export function filterInherited(inherited: Record<string, string>, filter: AppSpec['filter_env']): Record<string, string> {
  if (filter === undefined || filter === false) return { ...inherited };
  if (filter === true) return {};
  const out = { ...inherited };
  if (typeof filter === 'string') {
    delete out[filter];
    return out;
  }
  for (const name of Object.keys(out)) if (filter.some((part) => part !== '' && name.includes(part))) delete out[name];
  return out;
}

/** The env of worker `instance` of `spec`; `runtime` holds the runtime's own variables. */
export function workerEnv(spec: AppSpec, instance: number, runtime: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  const add = (from: Record<string, string>) => {
    for (const [name, value] of Object.entries(from)) if (!isHotctlSetting(name)) env[name] = value;
  };
  add(filterInherited(spec.inherited_env ?? {}, spec.filter_env));
  add(spec.env);
  env[spec.instance_var ?? DEFAULT_INSTANCE_VAR] = String(instance);
  if (spec.increment_var !== undefined) env[spec.increment_var] = String((Number(env[spec.increment_var]) || 0) + instance);
  return { ...env, ...runtime };
}

/** What a failed fork means: the system error, with the size of what the process would have got. */
export function spawnFailure(err: unknown, env: Record<string, string>, args: string[]): { code: 'E_SPAWN_FAILED'; message: string; errno?: string } {
  const errno = typeof (err as { code?: unknown })?.code === 'string' ? ((err as { code: string }).code) : undefined;
  const message = (err as Error)?.message ?? String(err);
  if (errno !== 'E2BIG') return { code: 'E_SPAWN_FAILED', message: `could not start a process: ${message}`, ...(errno ? { errno } : {}) };
  const sizes = Object.entries(env).map(([k, v]) => ({ key: k, bytes: Buffer.byteLength(k) + Buffer.byteLength(v) + 2 }));
  const total = sizes.reduce((n, s) => n + s.bytes, 0) + args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
  const largest = sizes.sort((a, b) => b.bytes - a.bytes)[0];
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
  return {
    code: 'E_SPAWN_FAILED',
    errno,
    message: `could not start a process: E2BIG, its environment and arguments are too large (${kib(total)} in all${largest ? `; the largest, ${largest.key}, ${kib(largest.bytes)}` : ''})`,
  };
}
