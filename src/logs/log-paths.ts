/**
 * Where an app's log lines go, as PM2 decides it (lib/Common.js, lib/God.js). Pure.
 *
 * - `out_file` (alias `output`), `error_file` (alias `error`): relative to the app's `cwd`, `~`
 *   is the home directory; "/dev/null" or "NULL" stores nothing. Default
 *   HOTCTL_HOME/logs/<name>-out.log and <name>-error.log.
 * - `log_file` (alias of nothing; PM2's `log`): both streams in one more file; `true` means
 *   HOTCTL_HOME/logs/<name>.log. Default: none.
 * - `merge_logs: false` (alias `combine_logs`): one set of files per instance, "-<instance>"
 *   before ".log" as PM2 does with its process id (a trailing "-<digits>.log" is replaced); a
 *   path without ".log" gets "-<instance>" appended. hotctl's instance number (0..N-1, the
 *   NODE_APP_INSTANCE value) stays the same across reloads, so a reload keeps the same files.
 * - `disable_logs: true`: nothing stored.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { AppSpec } from '../protocol/index.js';

/** The files one worker's lines go to; null: that stream is not stored. */
export interface LogFiles {
  out: string | null;
  err: string | null;
  /** `log_file`: both streams. */
  combined: string | null;
}

/** Every file of an app (one per instance each when `merge_logs` is false). */
export interface AppLogFiles {
  out: string[];
  err: string[];
  combined: string[];
}

export interface LogPathContext {
  /** HOTCTL_HOME/logs. */
  logsDir: string;
  /** What `~` means. */
  homeDir: string;
}

export type LogPathSpec = Pick<
  AppSpec,
  'name' | 'cwd' | 'script' | 'instances' | 'out_file' | 'output' | 'error_file' | 'error' | 'log_file' | 'merge_logs' | 'combine_logs' | 'disable_logs'
>;

/** PM2's ways of saying "do not store": the string "NULL" and /dev/null. */
export function isNullPath(path: string): boolean {
  return path === 'NULL' || path === '/dev/null';
}

export function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return path;
}

/** PM2's per-instance name: "out.log" → "out-2.log", "out-1.log" → "out-2.log"; "out" → "out-2". */
export function perInstancePath(path: string, instance: number): string {
  const pm2 = path.replace(/-[0-9]+\.log$|\.log$/, `-${instance}.log`);
  return pm2 !== path ? pm2 : `${path}-${instance}`;
}

function mergesLogs(spec: LogPathSpec): boolean {
  return (spec.combine_logs ?? spec.merge_logs) !== false;
}

function resolveUserPath(path: string, spec: LogPathSpec, ctx: LogPathContext): string | null {
  if (isNullPath(path)) return null;
  const expanded = expandHome(path, ctx.homeDir);
  if (isAbsolute(expanded)) return expanded;
  return resolve(spec.cwd ?? resolve(spec.script, '..'), expanded);
}

/** The files of the app as a whole: before the per-instance suffix. */
export function baseLogFiles(spec: LogPathSpec, ctx: LogPathContext): LogFiles {
  if (spec.disable_logs === true) return { out: null, err: null, combined: null };
  const out = spec.out_file ?? spec.output;
  const err = spec.error_file ?? spec.error;
  const log = spec.log_file;
  return {
    out: out === undefined ? join(ctx.logsDir, `${spec.name}-out.log`) : resolveUserPath(out, spec, ctx),
    err: err === undefined ? join(ctx.logsDir, `${spec.name}-error.log`) : resolveUserPath(err, spec, ctx),
    combined: log === undefined || log === false ? null : log === true ? join(ctx.logsDir, `${spec.name}.log`) : resolveUserPath(log, spec, ctx),
  };
}

/** The files the lines of worker `instance` go to. */
export function logFilesOf(spec: LogPathSpec, ctx: LogPathContext, instance: number): LogFiles {
  const base = baseLogFiles(spec, ctx);
  if (mergesLogs(spec)) return base;
  const each = (path: string | null) => (path === null ? null : perInstancePath(path, instance));
  return { out: each(base.out), err: each(base.err), combined: each(base.combined) };
}

/** Every file of the app: one of each when merged, else one per instance 0..instances-1. */
export function allLogFilesOf(spec: LogPathSpec, ctx: LogPathContext): AppLogFiles {
  const instances = mergesLogs(spec) ? [0] : Array.from({ length: Math.max(1, spec.instances) }, (_, i) => i);
  const files = instances.map((i) => logFilesOf(spec, ctx, i));
  const list = (pick: (f: LogFiles) => string | null) => [...new Set(files.map(pick).filter((p): p is string => p !== null))];
  return { out: list((f) => f.out), err: list((f) => f.err), combined: list((f) => f.combined) };
}
