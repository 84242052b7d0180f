/**
 * App specs that arrive over the socket go through the very validation and normalisation the
 * CLI applies to an ecosystem file (src/config/validate.ts): the socket is an input like any
 * other. A spec the CLI would refuse is refused here with the same E_CONFIG_INVALID; a spec
 * with only {name, script} gets the defaults it lacks, so no handler ever sees a half spec.
 *
 * Paths must be absolute: the daemon's own working directory means nothing to the client.
 */
import { dirname, isAbsolute } from 'node:path';
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import { validateEcosystem } from '../config/validate.js';

/** Validates and normalises specs sent by a client; throws E_CONFIG_INVALID or E_PROTOCOL. */
export function checkSpecs(specs: readonly AppSpec[]): AppSpec[] {
  for (const spec of specs) {
    if (!isAbsolute(spec.script)) throw new HotctlError('E_PROTOCOL', `"script" of app spec "${String(spec.name).slice(0, 64)}" must be an absolute path over the socket.`);
    const cwd: unknown = (spec as { cwd?: unknown }).cwd;
    if (typeof cwd === 'string' && !isAbsolute(cwd)) throw new HotctlError('E_PROTOCOL', `"cwd" of app spec "${String(spec.name).slice(0, 64)}" must be an absolute path over the socket.`);
  }
  // `inherited_env` is the sending CLI's environment (src/cli/update-env.ts), never a file's key:
  // checked for its shape here, set aside while the rest is validated as a file's app would be.
  const inherited = specs.map((spec) => inheritedEnvOf(spec));
  // A spec without cwd runs in its script's directory, as `hotctl start <script>` would.
  const raw = specs.map(({ inherited_env: _env, ...spec }) => (spec.cwd === undefined ? { ...spec, cwd: dirname(spec.script) } : spec));
  return validateEcosystem({ apps: raw }, { file: null, baseDir: '/' }).apps.map((spec, i) => (inherited[i] === undefined ? spec : { ...spec, inherited_env: inherited[i] }));
}

function inheritedEnvOf(spec: AppSpec): Record<string, string> | undefined {
  const env: unknown = spec.inherited_env;
  if (env === undefined) return undefined;
  if (env === null || typeof env !== 'object' || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string')) {
    throw new HotctlError('E_PROTOCOL', `"inherited_env" of app spec "${String(spec.name).slice(0, 64)}" must be an object of strings.`);
  }
  return env as Record<string, string>;
}
