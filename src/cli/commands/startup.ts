/**
 * `hotctl startup <file>`: prints a systemd unit that runs `hotctl run <file>` — the supervisor in
 * the foreground, so systemd sees it as the service's main process. It reads the file first, so a
 * broken file is refused now (exit 2), not at the next boot.
 *
 * Stop: SIGTERM, the signal `hotctl run` drains on; TimeoutStopSec is the apps' longest drain
 * (drain_grace + kill_timeout) with a margin, so systemd never SIGKILLs a worker that is still
 * finishing requests. Reload: SIGHUP, which reloads every app with zero downtime. Restart: on
 * failure, with a pause, and a start limit so a broken host is not a busy loop.
 */
import { realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import type { AppSpec } from '../../protocol/index.js';
import { HotctlError } from '../../protocol/index.js';
import { loadApps } from '../config-bridge.js';
import { homeOf, runAction, type CommandContext, type GlobalArgs } from '../context.js';
import type { Output } from '../output.js';

/** Added to the longest drain: the primary's own shutdown and the state file's last write. */
const STOP_MARGIN_MS = 10_000;

export interface UnitInput {
  file: string;
  apps: AppSpec[];
  node: string;
  bin: string;
  user: string;
  home: string;
  envName?: string;
  description?: string;
}

/** systemd quoting for ExecStart arguments: double quotes, with \ and " escaped; % doubled. */
function quote(arg: string): string {
  const escaped = arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  return /[\s"'\\;$]/.test(arg) || arg === '' ? `"${escaped}"` : escaped;
}

/** The stop timeout in whole seconds: the slowest app's drain_grace + kill_timeout, plus a margin. */
export function stopTimeoutSeconds(apps: AppSpec[]): number {
  const drains = apps.map((a) => (a.drain_grace ?? 0) + a.kill_timeout);
  return Math.ceil((Math.max(0, ...drains) + STOP_MARGIN_MS) / 1000);
}

export function renderUnit(input: UnitInput): string {
  const exec = [input.node, input.bin, 'run', input.file, ...(input.envName ? ['--env', input.envName] : [])].map(quote).join(' ');
  const names = input.apps.map((a) => a.name).join(', ');
  return `# Written by \`hotctl startup\`: runs the apps of ${input.file} (${names}) under systemd.
# Install: hotctl startup ${input.file} | sudo tee /etc/systemd/system/hotctl.service
#          sudo systemctl daemon-reload && sudo systemctl enable --now hotctl
[Unit]
Description=${input.description ?? `hotctl: ${names}`}
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=60
StartLimitBurst=5

[Service]
Type=simple
User=${input.user}
WorkingDirectory=${quote(dirname(input.file))}
Environment=${quote(`HOTCTL_HOME=${input.home}`)}
ExecStart=${exec}
# SIGHUP: zero-downtime reload of every app (systemctl reload hotctl).
ExecReload=/bin/kill -HUP $MAINPID
# SIGTERM drains every worker (requests in flight finish), then hotctl exits 0.
KillSignal=SIGTERM
KillMode=mixed
TimeoutStopSec=${stopTimeoutSeconds(input.apps)}
Restart=on-failure
RestartSec=2
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;
}

function binPath(): string {
  // dist/src/cli/commands/startup.js → <package>/bin/hotctl
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'bin', 'hotctl');
}

export async function startup(ctx: CommandContext, out: Output, options: { file: string; envName?: string; user?: string; home?: string }): Promise<number> {
  const file = resolve(ctx.cwd, options.file);
  const apps = await loadApps(out, file, options.envName);
  const user = options.user ?? userInfo().username;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(user)) {
    throw new HotctlError('E_USAGE', `"${user}" is not a user name systemd accepts.`, { hint: 'Give a plain user name with --user, e.g. --user www-data.' });
  }
  const home = resolve(ctx.cwd, options.home ?? homeOf(ctx));
  const unit = renderUnit({
    file: realpathSync(file),
    apps,
    node: process.execPath,
    bin: realpathSync(binPath()),
    user,
    home,
    ...(options.envName === undefined ? {} : { envName: options.envName }),
  });
  if (out.json) out.jsonLine({ unit, file: realpathSync(file), apps: apps.map((a) => a.name), timeout_stop_sec: stopTimeoutSeconds(apps) });
  else {
    ctx.stdout.write(unit);
    // On a terminal, say where it goes; piped into tee, stdout stays the unit alone.
    if (ctx.stdout.isTTY === true) out.note(`\nSave it with: hotctl startup ${basename(file)} | sudo tee /etc/systemd/system/hotctl.service`);
  }
  return 0;
}

export function registerStartup<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'startup <file>',
    'Print a systemd unit that runs `hotctl run <file>` at boot (drains on stop, reloads on systemctl reload)',
    (cmd) =>
      cmd
        .positional('file', { type: 'string', demandOption: true, describe: 'The ecosystem file the service runs' })
        .option('env', { type: 'string', describe: 'Use the env_<NAME> block of the file' })
        .option('user', { type: 'string', describe: 'The user the service runs as (default: you)' })
        .option('home', { type: 'string', describe: 'HOTCTL_HOME of the service (default: yours)' })
        .example('$0 startup ecosystem.json | sudo tee /etc/systemd/system/hotctl.service', 'Write the unit; then: sudo systemctl daemon-reload && sudo systemctl enable --now hotctl')
        .example('$0 startup ecosystem.json --env production --user www-data --home /var/lib/hotctl', 'For a service user with its own state directory'),
    (argv) =>
      runAction(ctx, argv.json, (out) =>
        startup(ctx, out, {
          file: argv.file,
          ...(argv.env === undefined ? {} : { envName: argv.env }),
          ...(argv.user === undefined ? {} : { user: argv.user }),
          ...(argv.home === undefined ? {} : { home: argv.home }),
        }),
      ),
  );
}
