/**
 * `--update-env`: the CLI's own environment, merged into an app's env only when asked.
 *
 * Which wins, exactly:
 * - With an ecosystem file (`reload|start <file> --update-env`): the CLI's environment is the
 *   base and the file's `env` (with `env_<name>` merged over it by `--env <name>`) overrides it.
 *   The file stays the source of truth; the shell only fills in what the file does not set.
 * - With an app name (`reload <name|all> --update-env`): there is no file, so the CLI's
 *   environment overrides the env the app was last deployed with (its active revision's spec);
 *   keys the shell does not set keep their deployed values. (Were it the other way round, a
 *   value brought in by one --update-env could never be changed by the next.)
 * - Without --update-env the CLI's environment is never sent: the app's env is the file's (or
 *   the deployed one). Workers always inherit the daemon's own environment below the app's env.
 *
 * `HOTCTL_*` variables configure hotctl itself and are never copied into an app's env.
 */
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { ControlClient } from './client.js';

/** The CLI's environment as an app env: defined values only, without hotctl's own settings. */
export function cliEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !key.startsWith('HOTCTL_')) out[key] = value;
  }
  return out;
}

/** A spec from a file, with the CLI's environment under the file's env (the file wins). */
export function fileSpecWithCliEnv(spec: AppSpec, env: NodeJS.ProcessEnv): AppSpec {
  return { ...spec, env: { ...cliEnv(env), ...spec.env } };
}

/** A deployed spec, with the CLI's environment over its env (the CLI wins). */
export function deployedSpecWithCliEnv(spec: AppSpec, env: NodeJS.ProcessEnv): AppSpec {
  return { ...spec, env: { ...spec.env, ...cliEnv(env) } };
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
