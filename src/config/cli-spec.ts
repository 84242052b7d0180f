/** The spec of `hotctl start <script>` from its flags, through the same validation as a file. */
import { basename, extname, resolve } from 'node:path';
import type { AppSpec } from '../protocol/index.js';
import { validateEcosystem } from './validate.js';

/** What `hotctl start <script>` knows from its flags. */
export interface CliAppInput {
  script: string;
  name?: string;
  instances?: string | number;
  args?: string[];
  env?: Record<string, string>;
  nodeArgs?: string[];
  waitReady?: boolean;
  watch?: boolean;
}

/** A spec for `hotctl start app.js --name api -i 4`, through the same validation. */
export function specFromCli(input: CliAppInput, cwd: string): AppSpec {
  const script = resolve(cwd, input.script);
  const app: Record<string, unknown> = { name: input.name ?? basename(script, extname(script)).replace(/[^A-Za-z0-9._-]/g, '-'), script, cwd };
  if (input.instances !== undefined) app.instances = typeof input.instances === 'string' && /^-?\d+$/.test(input.instances) ? Number(input.instances) : input.instances;
  if (input.args) app.args = input.args;
  if (input.env) app.env = input.env;
  if (input.nodeArgs) app.node_args = input.nodeArgs;
  if (input.waitReady !== undefined) app.wait_ready = input.waitReady;
  if (input.watch !== undefined) app.watch = input.watch;
  return validateEcosystem({ apps: [app] }, { file: null, baseDir: cwd }).apps[0]!;
}
