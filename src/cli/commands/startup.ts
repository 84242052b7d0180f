/**
 * `hotctl startup [file]`: prints a systemd unit that runs `hotctl run <file>` — the supervisor in
 * the foreground, so systemd sees it as the service's main process. It loads the file first with
 * the same loader as `hotctl start`, so a broken file is refused now (exit 2), not at the next boot.
 *
 * Stop: SIGTERM, the signal `hotctl run` drains on. A draining worker is killed by hotctl after
 * its app's kill_timeout (which bounds the whole drain, drain_grace included), so TimeoutStopSec
 * is the largest kill_timeout plus a margin: systemd never SIGKILLs a worker hotctl still lets
 * finish its requests. KillMode=mixed: SIGTERM goes to hotctl alone (it drains its workers);
 * the final SIGKILL, if ever, to the whole group. Reload: SIGHUP, which reloads every app with
 * zero downtime. Restart: on failure, with a pause, and a start limit so that a broken host is not
 * a busy loop.
 */
import { existsSync, realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import type { AppSpec } from '../../protocol/index.js';
import { HotctlError } from '../../protocol/index.js';
import { loadApps } from '../config-bridge.js';
import { homeOf, runAction, type CommandContext, type GlobalArgs } from '../context.js';
import type { Output } from '../output.js';

/** Added to the longest drain: the primary's own shutdown and the state file's last write. */
const STOP_MARGIN_MS = 10_000;

/** Looked for in the current directory when no file is named, in this order (PM2's first). */
export const DEFAULT_ECOSYSTEM_FILES = ['ecosystem.config.js', 'ecosystem.config.cjs', 'ecosystem.config.mjs', 'ecosystem.json'] as const;

export const DEFAULT_UNIT_NAME = 'hotctl';

export interface UnitInput {
  /** The unit's name, without `.service`. */
  name: string;
  file: string;
  apps: AppSpec[];
  node: string;
  bin: string;
  user: string;
  home: string;
  /** systemd creates /var/lib/<stateDirectory> for the service's user, mode 0700. */
  stateDirectory?: string;
  envName?: string;
  /** The `hotctl startup …` command that prints this unit, for the install instructions. */
  command?: string;
}

/** systemd quoting for ExecStart and Environment: double quotes, with \ and " escaped; % doubled. */
function quote(arg: string): string {
  const escaped = arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  return /[\s"'\\;$]/.test(arg) || arg === '' ? `"${escaped}"` : escaped;
}

/** The stop timeout in whole seconds: the slowest app's kill_timeout, plus a margin. */
export function stopTimeoutSeconds(apps: AppSpec[]): number {
  return Math.ceil((Math.max(0, ...apps.map((a) => a.kill_timeout)) + STOP_MARGIN_MS) / 1000);
}

export function renderUnit(input: UnitInput): string {
  const exec = [input.node, input.bin, 'run', input.file, ...(input.envName ? ['--env', input.envName] : [])].map(quote).join(' ');
  const names = input.apps.map((a) => a.name).join(', ');
  const state = input.stateDirectory ? `StateDirectory=${input.stateDirectory}\nStateDirectoryMode=0700\n` : '';
  return `# Written by \`hotctl startup\`: runs the apps of ${input.file} (${names}) under systemd.
# Install: ${input.command ?? 'hotctl startup'} | sudo tee /etc/systemd/system/${input.name}.service
#          sudo systemctl daemon-reload && sudo systemctl enable --now ${input.name}
# Then:    sudo systemctl reload ${input.name}   (zero-downtime reload of every app)
#          HOTCTL_HOME=${input.home} hotctl status   (as ${input.user})
[Unit]
Description=hotctl: ${names}
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=60
StartLimitBurst=5

[Service]
Type=simple
User=${input.user}
WorkingDirectory=${quote(dirname(input.file))}
Environment=${quote(`HOTCTL_HOME=${input.home}`)}
${state}ExecStart=${exec}
# SIGHUP: zero-downtime reload of every app (systemctl reload ${input.name}).
ExecReload=/bin/kill -HUP $MAINPID
# SIGTERM drains every worker (requests in flight finish), then hotctl exits 0.
KillSignal=SIGTERM
KillMode=mixed
TimeoutStopSec=${stopTimeoutSeconds(input.apps)}
Restart=on-failure
RestartSec=2
LimitNOFILE=65536
SyslogIdentifier=${input.name}

[Install]
WantedBy=multi-user.target
`;
}

function binPath(): string {
  // dist/src/cli/commands/startup.js → <package>/bin/hotctl
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'bin', 'hotctl');
}

/** The file named, or the first default ecosystem file of `cwd`. */
function ecosystemFile(cwd: string, file: string | undefined): string {
  if (file !== undefined) return resolve(cwd, file);
  const found = DEFAULT_ECOSYSTEM_FILES.map((name) => join(cwd, name)).find((path) => existsSync(path));
  if (found) return found;
  throw new HotctlError('E_CONFIG_NOT_FOUND', `No ecosystem file in ${cwd} (looked for ${DEFAULT_ECOSYSTEM_FILES.join(', ')}).`, {
    hint: 'Name the file: hotctl startup path/to/ecosystem.json',
    details: { dir: cwd },
  });
}

export interface StartupOptions {
  file?: string;
  envName?: string;
  user?: string;
  home?: string;
  name?: string;
}

export async function startup(ctx: CommandContext, out: Output, options: StartupOptions): Promise<number> {
  const name = options.name ?? DEFAULT_UNIT_NAME;
  if (!/^[A-Za-z0-9:_.-]+$/.test(name) || name.endsWith('.service')) {
    throw new HotctlError('E_USAGE', `"${name}" is not a unit name systemd accepts here.`, { hint: 'Give letters, digits, "-", "_", "." or ":" without ".service", e.g. --name shop-api.' });
  }
  const me = userInfo().username;
  const user = options.user ?? me;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(user)) {
    throw new HotctlError('E_USAGE', `"${user}" is not a user name systemd accepts.`, { hint: 'Give a plain user name with --user, e.g. --user www-data.' });
  }
  const file = ecosystemFile(ctx.cwd, options.file);
  const apps = await loadApps(out, file, options.envName);
  // Your HOTCTL_HOME serves you; another user cannot use it (hotctl refuses a state directory it
  // does not own), so that user's service gets /var/lib/<unit>, made by systemd for it.
  const stateDirectory = options.home === undefined && user !== me ? name : undefined;
  const home = stateDirectory ? `/var/lib/${stateDirectory}` : resolve(ctx.cwd, options.home ?? homeOf(ctx));
  const input: UnitInput = {
    name,
    file: realpathSync(file),
    apps,
    node: process.execPath,
    bin: realpathSync(binPath()),
    user,
    home,
    ...(stateDirectory === undefined ? {} : { stateDirectory }),
    ...(options.envName === undefined ? {} : { envName: options.envName }),
  };
  const flags = Object.entries({ env: options.envName, user: options.user, home: options.home, name: options.name }).flatMap(([k, v]) => (v === undefined ? [] : [`--${k} ${v}`]));
  input.command = ['hotctl startup', options.file ?? basename(file), ...flags].join(' ');
  const unit = renderUnit(input);
  if (out.json) {
    out.jsonLine({ unit, unit_name: `${name}.service`, file: input.file, apps: apps.map((a) => a.name), user, home, timeout_stop_sec: stopTimeoutSeconds(apps) });
  } else {
    ctx.stdout.write(unit);
    // On a terminal, say where it goes; piped into tee, stdout stays the unit alone.
    if (ctx.stdout.isTTY === true) {
      out.note(`\nSave it with: ${input.command} | sudo tee /etc/systemd/system/${name}.service`);
      out.note(`Then: sudo systemctl daemon-reload && sudo systemctl enable --now ${name}`);
    }
  }
  return 0;
}

export function registerStartup<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'startup [file]',
    'Print a systemd unit that runs `hotctl run <file>` at boot (drains on stop, reloads on systemctl reload)',
    (cmd) =>
      cmd
        .positional('file', { type: 'string', describe: `The ecosystem file the service runs (default: the first of ${DEFAULT_ECOSYSTEM_FILES.join(', ')} here)` })
        .option('env', { type: 'string', describe: 'Use the env_<NAME> block of the file' })
        .option('user', { type: 'string', describe: 'The user the service runs as (default: you)' })
        .option('home', { type: 'string', describe: 'HOTCTL_HOME of the service (default: yours; /var/lib/<name> for another --user)' })
        .option('name', { type: 'string', describe: `The unit's name, without .service (default: ${DEFAULT_UNIT_NAME})` })
        .example('$0 startup ecosystem.json | sudo tee /etc/systemd/system/hotctl.service', 'Write the unit; then: sudo systemctl daemon-reload && sudo systemctl enable --now hotctl')
        .example('$0 startup ecosystem.json --env production --user www-data --name shop', 'For a service user: shop.service, state in /var/lib/shop'),
    (argv) =>
      runAction(ctx, argv.json, (out) =>
        startup(ctx, out, {
          ...(argv.file === undefined ? {} : { file: argv.file }),
          ...(argv.env === undefined ? {} : { envName: argv.env }),
          ...(argv.user === undefined ? {} : { user: argv.user }),
          ...(argv.home === undefined ? {} : { home: argv.home }),
          ...(argv.name === undefined ? {} : { name: argv.name }),
        }),
      ),
  );
}
