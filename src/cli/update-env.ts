/**
 * The CLI's own environment, captured for the apps it starts: an app's env is the environment
 * of the shell that ran `start` (or `reload --update-env`), with the file's `env` over it.
 * It travels in the spec as `inherited_env` (never read from a file); the daemon's own
 * environment never reaches an app (src/cluster/worker-env.ts, worker-host.ts).
 *
 * Which wins, exactly:
 * - `start <file|script>`: every app the command starts gets this shell's environment, the
 *   file's `env` (with `env_<name>` over it by `--env <name>`) over it. Apps of the file that
 *   already run keep the environment they were started with, unless `--update-env`.
 * - `reload <file>`: apps keep the environment they were started with; with `--update-env` they
 *   get this shell's, the file's `env` still over it (the file stays the source of truth).
 * - `reload <name|all> --update-env`: there is no file, so this shell's environment also wins
 *   over the env the app was last deployed with (its active revision's spec) for the variables
 *   the shell sets; variables the shell does not set keep their deployed values. (Were it the
 *   other way round, a value brought in by one --update-env could never be changed by the next.)
 * - `run <file>`: the shell is the supervisor's own; its environment is the apps' at every run.
 *
 * `HOTCTL_*` variables configure hotctl itself and are never copied into an app's env.
 */
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/errors.js';
import type { ControlClient } from './client.js';

/** The CLI's environment as an app env: defined values only, without hotctl's own settings. */
export function cliEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !key.startsWith('HOTCTL_')) out[key] = value;
  }
  return out;
}

/** A spec with the CLI's environment captured under the spec's env (the spec's env wins). */
export function specWithCliEnv(spec: AppSpec, env: NodeJS.ProcessEnv): AppSpec {
  return { ...spec, inherited_env: cliEnv(env) };
}

/** A deployed spec with the CLI's environment captured, and over the deployed env's variables (the CLI wins). */
export function deployedSpecWithCliEnv(spec: AppSpec, env: NodeJS.ProcessEnv): AppSpec {
  const shell = cliEnv(env);
  const deployed = { ...spec.env };
  for (const name of Object.keys(deployed)) if (shell[name] !== undefined) deployed[name] = shell[name];
  return { ...spec, env: deployed, inherited_env: shell };
}

/**
 * The spec `reload <name> --update-env` sends: the active revision's spec (from `history`),
 * with the worker count the app has now (a scale since that revision is kept), and the CLI's
 * environment over its env.
 */
export async function currentSpecWithCliEnv(client: ControlClient, name: string, env: NodeJS.ProcessEnv): Promise<AppSpec> {
  const [history, status] = await Promise.all([client.request('history', { name }, { timeoutMs: 10_000 }), client.request('status', {}, { timeoutMs: 10_000 })]);
  const active = history.revisions.find((r) => r.number === history.active);
  if (!active) {
    throw new HotctlError('E_USAGE', `"${name}" has no active revision to take the spec from.`, {
      hint: `Start it first, or reload it from its ecosystem file: \`hotctl reload <file> --update-env\`.`,
    });
  }
  const instances = status.apps.find((app) => app.name === name)?.instances ?? active.spec.instances;
  return deployedSpecWithCliEnv({ ...active.spec, instances }, env);
}
