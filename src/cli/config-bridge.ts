/**
 * The CLI's door to src/config (ecosystem files, specs from flags), loaded on demand so that
 * commands which never read a file (status, kill, …) start fast.
 */
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import { attachErrorLines, type Output } from './output.js';

/** What `hotctl start <script>` knows from its flags. */
export interface CliAppInput {
  script: string;
  name?: string;
  instances?: number | 'max';
  args?: string[];
  env?: Record<string, string>;
  nodeArgs?: string[];
  waitReady?: boolean;
  watch?: boolean;
}

/** The part of src/config the CLI uses. */
export interface ConfigApi {
  loadEcosystem(file: string, options: { envName?: string }): Promise<{ file: string; apps: AppSpec[]; warnings: unknown[] }>;
  isEcosystemPath(path: string): boolean | Promise<boolean>;
  specFromCli(input: CliAppInput, cwd: string): AppSpec;
  formatConfigError(err: HotctlError): string[];
  formatWarning(warning: unknown): string;
}

let api: Promise<ConfigApi> | null = null;

export function configApi(): Promise<ConfigApi> {
  api ??= (async () => {
    // Specifiers in variables: these modules are loaded only by the commands that need them.
    const at = (name: string) => new URL(`../config/${name}.js`, import.meta.url).href;
    const [load, validate, format] = await Promise.all([import(at('load')), import(at('validate')), import(at('format'))]);
    return {
      loadEcosystem: load.loadEcosystem,
      isEcosystemPath: load.isEcosystemPath,
      specFromCli: validate.specFromCli,
      formatConfigError: format.formatConfigError,
      formatWarning: format.formatWarning,
    } as ConfigApi;
  })();
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
