/**
 * The CLI's door to src/config (ecosystem files, specs from flags), loaded on demand so that
 * commands which never read a file (status, kill, …) start fast.
 */
import type { CliAppInput } from '../config/cli-spec.js';
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/errors.js';
import { attachErrorLines, type Output } from './output.js';

export type { CliAppInput };

/** The part of src/config the CLI uses, typed by the modules themselves. */
export interface ConfigApi {
  loadEcosystem: typeof import('../config/load.js').loadEcosystem;
  isEcosystemPath: typeof import('../config/load.js').isEcosystemPath;
  specFromCli: typeof import('../config/cli-spec.js').specFromCli;
  formatConfigError: typeof import('../config/format.js').formatConfigError;
  formatWarning: typeof import('../config/format.js').formatWarning;
}

let api: Promise<ConfigApi> | null = null;

/**
 * Loads src/config on first use. Dynamic imports with literal specifiers: typed, visible to the
 * import-graph test, and still evaluated only by the commands that read a file or build a spec.
 */
export function configApi(): Promise<ConfigApi> {
  api ??= Promise.all([import('../config/load.js'), import('../config/cli-spec.js'), import('../config/format.js')]).then(([load, cli, format]) => ({
    loadEcosystem: load.loadEcosystem,
    isEcosystemPath: load.isEcosystemPath,
    specFromCli: cli.specFromCli,
    formatConfigError: format.formatConfigError,
    formatWarning: format.formatWarning,
  }));
  return api;
}

function isConfigError(err: unknown): err is HotctlError {
  return err instanceof HotctlError && err.code.startsWith('E_CONFIG_');
}

/** Runs a config call; a config error gets its formatted problem lines attached for printing. */
async function configCall<T>(config: ConfigApi, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isConfigError(err)) {
      let lines: string[] = [];
      try {
        lines = config.formatConfigError(err);
      } catch {
        // the error's own message is printed anyway
      }
      throw attachErrorLines(err, lines);
    }
    throw err;
  }
}

/** Loads an ecosystem file; warnings go to stderr. */
export async function loadApps(out: Output, file: string, envName: string | undefined): Promise<AppSpec[]> {
  const config = await configApi();
  const loaded = await configCall(config, () => config.loadEcosystem(file, envName === undefined ? {} : { envName }));
  for (const warning of loaded.warnings) {
    const text = config.formatWarning(warning);
    out.note(/^warning\b/i.test(text) ? text : `${out.colours.yellow('warning:')} ${text}`);
  }
  return loaded.apps;
}

/** The spec of `hotctl start <script> --name … -i …`. */
export async function appFromFlags(input: CliAppInput, cwd: string): Promise<AppSpec> {
  const config = await configApi();
  return configCall(config, () => config.specFromCli(input, cwd));
}

export async function isEcosystemPath(path: string): Promise<boolean> {
  return (await configApi()).isEcosystemPath(path);
}
