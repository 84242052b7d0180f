/**
 * Every key of PM2's app declaration (PM2's lib/API/schema.json with its aliases, plus the keys
 * its documentation and its own test fixtures use), and what hotctl does with each. Data only:
 * validate.ts reads it, docs/migrating-from-pm2.md shows it (checked by a test), and there is a
 * test per key.
 *
 * - `supported`: a hotctl key of the same name and meaning;
 * - `alias`: renamed to `target` (PM2 accepts it as another spelling of that key);
 * - `converted`: hotctl does the equivalent (the note says what);
 * - `accepted`: nothing to do, hotctl already behaves so (no warning);
 * - `warned`: accepted, ignored, and named in a warning that says what hotctl does instead;
 * - `owned`: handled by another part of hotctl (see app-spec.ts); the row only documents it.
 *
 * Besides these, PM2 accepts every key in camelCase (`maxMemoryRestart`, `errorFile`); so does
 * hotctl (see {@link snakeCase}).
 */

export const PM2_KEY_TREATMENTS = ['supported', 'alias', 'converted', 'accepted', 'warned', 'owned'] as const;
export type Pm2KeyTreatment = (typeof PM2_KEY_TREATMENTS)[number];

export interface Pm2Key {
  readonly treatment: Pm2KeyTreatment;
  /** For `alias`: the key it stands for. */
  readonly target?: string;
  /** What hotctl does, in one sentence (the warning's text for `warned`). */
  readonly note: string;
}

const PLUS = 'a PM2 Plus (Keymetrics) setting; hotctl serves metrics itself: `hotctl status`, the dashboard and /metrics';

export const PM2_KEYS = {
  script: { treatment: 'supported', note: 'the entry file; `npm`/`yarn`/`pnpm` with `args: "start"` run the file their package.json script names' },
  exec: { treatment: 'alias', target: 'script', note: 'PM2 alias of `script`' },
  cmd: { treatment: 'alias', target: 'script', note: 'PM2 alias of `script`' },
  command: { treatment: 'alias', target: 'script', note: 'PM2 alias of `script`' },
  name: { treatment: 'supported', note: 'default as in PM2: the script\'s file name without its extension' },
  name_prefix: { treatment: 'warned', note: 'ignored: name the app with `name`' },
  cwd: { treatment: 'supported', note: 'relative to the ecosystem file' },
  args: { treatment: 'supported', note: 'a string (split like a shell, quotes group) or a list' },
  interpreter: { treatment: 'converted', note: '"node" or a path to a node binary is accepted (workers run on the Node.js that runs hotctl), "none" too with `script: "npm"`; any other interpreter is an error' },
  exec_interpreter: { treatment: 'converted', note: 'as `interpreter`' },
  node_args: { treatment: 'supported', note: 'Node.js flags of the workers' },
  interpreter_args: { treatment: 'alias', target: 'node_args', note: 'added to `node_args`' },
  out_file: { treatment: 'owned', note: 'stdout log file' },
  out: { treatment: 'owned', note: 'PM2 alias of `out_file`' },
  output: { treatment: 'owned', note: 'PM2 alias of `out_file`' },
  out_log: { treatment: 'owned', note: 'PM2 alias of `out_file`' },
  error_file: { treatment: 'owned', note: 'stderr log file' },
  error: { treatment: 'owned', note: 'PM2 alias of `error_file`' },
  err: { treatment: 'owned', note: 'PM2 alias of `error_file`' },
  err_file: { treatment: 'owned', note: 'PM2 alias of `error_file`' },
  err_log: { treatment: 'owned', note: 'PM2 alias of `error_file`' },
  log_file: { treatment: 'owned', note: 'combined log file' },
  log: { treatment: 'owned', note: 'PM2 alias of `log_file`' },
  disable_logs: { treatment: 'owned', note: 'log settings' },
  log_type: { treatment: 'owned', note: 'log settings' },
  log_date_format: { treatment: 'supported', note: 'tokens YYYY MM DD HH mm ss SSS Z' },
  time: { treatment: 'owned', note: 'log settings' },
  env: { treatment: 'supported', note: 'numbers and booleans become strings; an object or list value becomes its JSON text, as in PM2' },
  max_memory_restart: { treatment: 'supported', note: '"300M", "1G"; the worker is replaced gracefully' },
  pid_file: { treatment: 'owned', note: 'pid files' },
  pid: { treatment: 'owned', note: 'PM2 alias of `pid_file`' },
  restart_delay: { treatment: 'owned', note: 'restart policy' },
  exp_backoff_restart_delay: { treatment: 'supported', note: 'first delay of the exponential backoff' },
  source_map_support: { treatment: 'converted', note: '`true` adds `--enable-source-maps` to `node_args`' },
  disable_source_map_support: { treatment: 'accepted', note: 'hotctl enables source maps only when asked' },
  wait_ready: { treatment: 'supported', note: 'ready at `process.send("ready")`' },
  instances: { treatment: 'supported', note: '"max" or 0: one per core; -N: cores minus N (at least 1), as in PM2' },
  kill_timeout: { treatment: 'supported', note: 'then SIGKILL' },
  shutdown_with_message: { treatment: 'owned', note: 'shutdown' },
  listen_timeout: { treatment: 'supported', note: 'a new worker not ready in time fails the reload; the old ones keep serving' },
  cron_restart: { treatment: 'owned', note: 'jobs' },
  cron: { treatment: 'owned', note: 'PM2 alias of `cron_restart`' },
  merge_logs: { treatment: 'owned', note: 'log settings' },
  combine_logs: { treatment: 'owned', note: 'PM2 alias of `merge_logs`' },
  vizion: { treatment: 'accepted', note: 'hotctl records the git commit and package version of every revision itself, reading files (no git process)' },
  autostart: { treatment: 'owned', note: 'jobs' },
  autorestart: { treatment: 'owned', note: 'jobs' },
  stop_exit_codes: { treatment: 'owned', note: 'jobs' },
  watch_delay: { treatment: 'supported', note: 'debounce of watch reloads' },
  watch: { treatment: 'supported', note: 'true, a path or a list of paths; a change reloads with zero downtime' },
  ignore_watch: { treatment: 'supported', note: 'paths or names' },
  watch_options: { treatment: 'warned', note: 'ignored: hotctl\'s watcher has no chokidar options; use `watch`, `ignore_watch` and `watch_delay`' },
  min_uptime: { treatment: 'owned', note: 'restart policy' },
  max_restarts: { treatment: 'supported', note: 'unstable restarts before the app is errored' },
  execute_command: { treatment: 'warned', note: 'ignored: hotctl runs Node.js scripts, not commands' },
  exec_mode: { treatment: 'owned', note: 'cluster or fork' },
  force: { treatment: 'warned', note: 'ignored: an app name is unique; `hotctl start <file>` on running apps reloads them' },
  append_env_to_name: { treatment: 'converted', note: 'with `--env <name>` the app is named `<name>-<env>`, as in PM2' },
  post_update: { treatment: 'warned', note: 'ignored: run your build before `hotctl reload`' },
  trace: { treatment: 'warned', note: `ignored: ${PLUS}` },
  disable_trace: { treatment: 'warned', note: `ignored: ${PLUS}` },
  v8: { treatment: 'warned', note: `ignored: ${PLUS}` },
  event_loop_inspector: { treatment: 'warned', note: `ignored: ${PLUS} (event-loop delay included)` },
  deep_monitoring: { treatment: 'warned', note: `ignored: ${PLUS}` },
  pmx: { treatment: 'warned', note: `ignored: ${PLUS}` },
  automation: { treatment: 'warned', note: `ignored: ${PLUS}` },
  io: { treatment: 'warned', note: `ignored: ${PLUS}` },
  increment_var: { treatment: 'owned', note: 'env' },
  instance_var: { treatment: 'owned', note: 'env' },
  filter_env: { treatment: 'owned', note: 'env' },
  namespace: { treatment: 'warned', note: 'ignored: hotctl has no namespaces; a separate HOTCTL_HOME gives a separate daemon and app list' },
  install_url: { treatment: 'warned', note: 'ignored: install modules with npm' },
  treekill: { treatment: 'warned', note: 'ignored: hotctl drains the worker and kills it after `kill_timeout`; processes it spawned are the app\'s to stop' },
  port: { treatment: 'supported', note: 'sets PORT unless `env` does' },
  username: { treatment: 'accepted', note: 'PM2 fills it in itself; hotctl records the user of every revision' },
  uid: { treatment: 'warned', note: 'ignored: workers run as the user of the daemon; run hotctl as that user (systemd `User=`, `sudo -u`)' },
  user: { treatment: 'warned', note: 'PM2 alias of `uid`: ignored, workers run as the user of the daemon; run hotctl as that user (systemd `User=`, `sudo -u`)' },
  gid: { treatment: 'warned', note: 'ignored: workers run with the group of the daemon; run hotctl as that user and group (systemd `Group=`)' },
  windowsHide: { treatment: 'accepted', note: 'no console windows are opened' },
  kill_retry_time: { treatment: 'owned', note: 'shutdown' },
  kill_signal: { treatment: 'owned', note: 'shutdown' },
  write: { treatment: 'warned', note: 'ignored (a PM2-internal flag)' },
  max_old_space_size: { treatment: 'warned', note: 'ignored: put `--max-old-space-size=N` in `node_args`' },
  version: { treatment: 'warned', note: 'ignored: hotctl reads the version from package.json for every revision' },
  max: { treatment: 'warned', note: 'ignored: not a PM2 key (PM2 drops it too); the worker count is `instances`' },
} as const satisfies Record<string, Pm2Key>;

export type Pm2KeyName = keyof typeof PM2_KEYS;

/** Top-level keys of a PM2 file besides `apps`. */
export const PM2_TOP_LEVEL_KEYS = {
  deploy: { treatment: 'warned', note: 'ignored: PM2 deployment; deploy with your CI, then `hotctl reload <file>`' },
  static: { treatment: 'warned', note: 'ignored: PM2\'s static file server (`pm2 serve`); serve files from your app' },
  pm2: { treatment: 'alias', target: 'apps', note: 'PM2\'s old name of `apps`' },
} as const satisfies Record<string, Pm2Key>;

/** `maxMemoryRestart` → `max_memory_restart`; a key without capitals is returned as it is. */
export function snakeCase(key: string): string {
  if (!/[A-Z]/.test(key) || /^[A-Z]/.test(key)) return key;
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The row of a PM2 key, if it is one. */
export function pm2Key(key: string): Pm2Key | undefined {
  return Object.hasOwn(PM2_KEYS, key) ? (PM2_KEYS as Record<string, Pm2Key>)[key] : undefined;
}

/** The migration guide's table of PM2 keys (docs/migrating-from-pm2.md, between markers). */
export function pm2KeysMarkdown(): string {
  const words: Record<Pm2KeyTreatment, string> = {
    supported: 'supported',
    alias: 'alias',
    converted: 'converted',
    accepted: 'accepted (no-op)',
    warned: 'warned, ignored',
    owned: 'see "Ecosystem keys" above',
  };
  const rows = Object.entries(PM2_KEYS as Record<string, Pm2Key>).map(([key, row]) => {
    const what = row.treatment === 'alias' ? `alias of \`${row.target}\`` : words[row.treatment];
    return `| \`${key}\` | ${what} | ${row.note.replaceAll('|', '\\|')} |`;
  });
  const top = Object.entries(PM2_TOP_LEVEL_KEYS as Record<string, Pm2Key>).map(
    ([key, row]) => `| \`${key}\` (top level) | ${row.treatment === 'alias' ? `alias of \`${row.target}\`` : words[row.treatment]} | ${row.note} |`,
  );
  return ['| PM2 key | in hotctl | what hotctl does |', '|---|---|---|', ...rows, ...top, '| camelCase of any key (`maxMemoryRestart`) | alias | read as the snake_case key, as PM2 does |'].join('\n');
}
