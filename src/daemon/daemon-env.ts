/**
 * The daemon's own settings from its environment (HOTCTL_*). None of them reaches an app.
 *
 * | variable                   | meaning                                        | default   |
 * |----------------------------|------------------------------------------------|-----------|
 * | HOTCTL_HTTP_PORT           | the HTTP listener's port; 0 turns it off       | 9716      |
 * | HOTCTL_HTTP_HOST           | its address (loopback unless allowed below)    | 127.0.0.1 |
 * | HOTCTL_HTTP_ALLOW_REMOTE   | `1` allows a non-loopback address              | off       |
 * | HOTCTL_HTTP_TOKEN          | the token HTTP actions need; unset: no actions | none      |
 * | HOTCTL_METRICS_INTERVAL_MS | the sampler's period; 0 turns sampling off     | 1000      |
 *
 * A value that cannot be used is not fatal: the default is used and a warning says so.
 */
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from './http-options.js';

export const DEFAULT_METRICS_INTERVAL_MS = 1000;

export interface DaemonSettings {
  httpPort: number;
  httpHost: string;
  httpAllowRemote: boolean;
  httpToken: string | null;
  /** 0: the sampler never ticks (CPU and memory read as absent, max_memory_restart is inert). */
  metricsIntervalMs: number;
}

/** Settings given by the caller (`startDaemon`'s options) win over the environment's. */
export type SettingsOverrides = Partial<Omit<DaemonSettings, 'metricsIntervalMs'>>;

export function daemonSettings(env: NodeJS.ProcessEnv, overrides: SettingsOverrides = {}): { settings: DaemonSettings; warnings: string[] } {
  const warnings: string[] = [];
  const settings: DaemonSettings = {
    httpPort: overrides.httpPort ?? httpPortFrom(env.HOTCTL_HTTP_PORT, warnings),
    httpHost: overrides.httpHost ?? (env.HOTCTL_HTTP_HOST || DEFAULT_HTTP_HOST),
    httpAllowRemote: overrides.httpAllowRemote ?? env.HOTCTL_HTTP_ALLOW_REMOTE === '1',
    httpToken: overrides.httpToken ?? (env.HOTCTL_HTTP_TOKEN || null),
    metricsIntervalMs: metricsIntervalFrom(env.HOTCTL_METRICS_INTERVAL_MS, warnings),
  };
  return { settings, warnings };
}

/** HOTCTL_HTTP_PORT: a port number, 0 for off; anything else is reported and the default used. */
function httpPortFrom(value: string | undefined, warnings: string[]): number {
  if (value === undefined || value === '') return DEFAULT_HTTP_PORT;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  warnings.push(`HOTCTL_HTTP_PORT=${JSON.stringify(value)} is not a port (0-65535); using ${DEFAULT_HTTP_PORT}`);
  return DEFAULT_HTTP_PORT;
}

/** HOTCTL_METRICS_INTERVAL_MS: the metrics sampler's period in ms, 0 for off; anything else is reported and 1000 used. */
function metricsIntervalFrom(value: string | undefined, warnings: string[]): number {
  if (value === undefined || value === '') return DEFAULT_METRICS_INTERVAL_MS;
  const ms = Number(value);
  if (Number.isInteger(ms) && ms >= 0) return ms;
  warnings.push(`HOTCTL_METRICS_INTERVAL_MS=${JSON.stringify(value)} is not a whole number of ms (0 = off); using ${DEFAULT_METRICS_INTERVAL_MS}`);
  return DEFAULT_METRICS_INTERVAL_MS;
}
