/**
 * What a target names, for reload, restart, stop and delete:
 * - an app name, or `all`;
 * - an ecosystem file: the apps it defines (narrowed with `--only a,b`, as in PM2);
 * - a script path: the apps that run that script (`hotctl stop server.js`);
 * - a number: the app whose worker has that pid (the PID column of `hotctl status`). hotctl acts
 *   on apps, not on single workers, and its worker ids are per app, so a pid is the number that
 *   names one process unambiguously. (An app whose name is all digits is matched by name first.)
 */
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppSpec, AppStatusInfo } from '../protocol/index.js';
import { HotctlError } from '../protocol/errors.js';
import type { ControlClient } from './client.js';
import { usageError } from './flags.js';

/** `--only "api,worker"` (commas or spaces, as PM2 splits it) → names; undefined when not given. */
export function onlyNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(/[,\s]+/).filter(Boolean);
  return names.length > 0 ? names : undefined;
}

/** The apps of a file that `--only` names; a name the file does not define is a usage error. */
export function selectOnly(apps: AppSpec[], only: string[] | undefined, source: string, command: string): AppSpec[] {
  if (!only) return apps;
  const defined = new Set(apps.map((a) => a.name));
  const unknown = only.filter((name) => !defined.has(name));
  if (unknown.length > 0) {
    throw usageError(command, `--only ${unknown.map((n) => `"${n}"`).join(', ')}: not an app of ${source} (its apps: ${[...defined].join(', ')}).`);
  }
  return apps.filter((a) => only.includes(a.name));
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const PATH_LIKE = /[\\/]|\.(c|m)?[jt]s$/;

/** Whether a target needs the app list to be resolved (a pid or a script path). */
export function needsLookup(target: string): boolean {
  return /^\d+$/.test(target) || PATH_LIKE.test(target);
}

/** The app names a target means (see the top of this file); throws E_APP_NOT_FOUND when none. */
export function appsForTarget(apps: AppStatusInfo[], target: string, cwd: string): string[] {
  if (apps.some((a) => a.name === target)) return [target];
  if (/^\d+$/.test(target)) {
    const pid = Number(target);
    const app = apps.find((a) => a.workers.some((w) => w.pid === pid));
    if (app) return [app.name];
    throw new HotctlError('E_APP_NOT_FOUND', `No app named "${target}" and no worker with pid ${target}.`, {
      hint: 'A number names the app of the worker with that pid (the PID column of `hotctl status`); PM2\'s ids are not hotctl\'s: use the app name.',
      details: { app: target, known: apps.map((a) => a.name) },
    });
  }
  const path = resolve(cwd, target);
  if (existsSync(path)) {
    const real = realpathOr(path);
    const names = apps.filter((a) => realpathOr(a.script) === real).map((a) => a.name);
    if (names.length > 0) return names;
    throw new HotctlError('E_APP_NOT_FOUND', `No app runs the script ${path}.`, {
      hint: apps.length > 0 ? `Known apps: ${apps.map((a) => a.name).join(', ')}.` : 'No app runs yet.',
      details: { app: target, known: apps.map((a) => a.name) },
    });
  }
  return [target];
}

/** The status of every app, as targets need it. */
export async function appList(client: ControlClient): Promise<AppStatusInfo[]> {
  return (await client.request('status', {}, { timeoutMs: 10_000 })).apps;
}
