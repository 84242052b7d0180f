/**
 * The one registry of hotctl's error codes.
 *
 * Codes are forever (scripts and tests match on them); messages may improve. Every code has a
 * default message, a hint that says how to fix the problem, the CLI exit code it maps to, and the
 * HTTP status the daemon's HTTP listener answers it with.
 * The README's "Exit codes" and "Error codes" tables are checked against this registry by a test.
 */
import { EXIT_CODES } from './exit-codes.js';
import { HTTP_ERROR_CODES, type ErrorEntry } from './http-errors.js';

export * from './exit-codes.js';
export type { ErrorEntry, HttpStatus } from './http-errors.js';


/** code → default message, hint, exit code. */
export const ERROR_CODES = {
  E_CONFIG_INVALID: {
    message: 'The ecosystem file is invalid.',
    hint: 'Fix the keys listed above; nothing was started or changed.',
    exit: 'usage',
    http: 400,
  },
  E_CONFIG_NOT_FOUND: {
    message: 'The ecosystem file or script was not found.',
    hint: 'Check the path; relative paths are resolved from the current directory.',
    exit: 'usage',
    http: 400,
  },
  E_CONFIG_LOAD: {
    message: 'The ecosystem file could not be loaded.',
    hint: 'It must be JSON, or a JS module exporting { apps: [...] }; see the error above.',
    exit: 'usage',
    http: 400,
  },
  E_USAGE: {
    message: 'The command was used wrongly.',
    hint: 'Run `hotctl <command> --help` for the accepted arguments.',
    exit: 'usage',
    http: 400,
  },
  E_APP_NOT_FOUND: {
    message: 'No app by that name.',
    hint: 'Run `hotctl status` to list the apps the daemon runs.',
    exit: 'usage',
    http: 404,
  },
  E_APP_EXISTS: {
    message: 'An app by that name is already running.',
    hint: 'Use `hotctl reload <name>` to deploy a new version, or pick another --name.',
    exit: 'usage',
    http: 409,
  },
  E_SCRIPT_NOT_FOUND: {
    message: "The app's script does not exist.",
    hint: 'Check `script` and `cwd`; the script is resolved from `cwd` at every start and reload.',
    exit: 'usage',
    http: 400,
  },
  E_LOG_UNWRITABLE: {
    message: 'A log file of the app cannot be written.',
    hint: 'Fix the path or its permissions (out_file, error_file and log_file are relative to the app\'s cwd), or set it to "/dev/null"; nothing was started or changed.',
    exit: 'usage',
    http: 400,
  },
  E_OPERATION_IN_PROGRESS: {
    message: 'Another operation on this app is in progress.',
    hint: 'Wait for it to finish (`hotctl status` shows it), or pass --wait to queue behind it.',
    exit: 'busy',
    http: 409,
  },
  E_REVISION_NOT_FOUND: {
    message: 'No such revision in the app\'s history.',
    hint: 'Run `hotctl history <name>` to list the revisions that can be rolled back to.',
    exit: 'usage',
    http: 404,
  },
  E_REVISION_FILES_CHANGED: {
    message: "The revision's files on disk changed since it was deployed.",
    hint: 'Its script no longer has the sha256 it had; rolling back would run other code. Restore the files, or pass --force to roll back to them anyway.',
    exit: 'usage',
    http: 400,
  },
  E_UNKNOWN_SIGNAL: {
    message: 'There is no signal by that name.',
    hint: 'Name a POSIX signal, e.g. SIGUSR2 (or USR2): SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGKILL, SIGCONT, SIGSTOP, SIGWINCH…',
    exit: 'usage',
    http: 400,
  },
  E_NO_CANARY: {
    message: 'The app has no canary to promote or roll back.',
    hint: 'Start one with `hotctl reload <name> --canary K`.',
    exit: 'usage',
    http: 400,
  },
  E_CANARY_ACTIVE: {
    message: 'A canary is in progress on this app.',
    hint: 'Finish it first: `hotctl promote <name>` or `hotctl rollback <name>`.',
    exit: 'busy',
    http: 409,
  },
  E_CANARY_FAILED: {
    message: 'The canary failed a check of its plan and was rolled back; the previous revision serves alone.',
    hint: 'The message names the metric, its value, the threshold and the step: fix the new version and reload again, or loosen the plan (the app\'s `canary` key, `reload --auto` flags).',
    exit: 'failed',
    http: 500,
  },
  E_RELOAD_FAILED: {
    message: 'The new version did not start; the previous revision keeps serving.',
    hint: "Read the new worker's output above, fix the app, and reload again.",
    exit: 'failed',
    http: 500,
  },
  E_START_FAILED: {
    message: 'The app did not start.',
    hint: "Read the worker's output above, fix the app, and run `hotctl reload <name>`.",
    exit: 'failed',
    http: 500,
  },
  E_READY_TIMEOUT: {
    message: 'A new worker did not become ready within listen_timeout.',
    hint: 'Make the app listen sooner, raise `listen_timeout`, or, with `wait_ready: true`, call process.send("ready").',
    exit: 'failed',
    http: 500,
  },
  E_WORKER_EXITED: {
    message: 'A new worker exited before it was stable.',
    hint: "Read the worker's stderr above; a new worker must stay ready `reload_hold` before the old ones drain.",
    exit: 'failed',
    http: 500,
  },
  E_SPAWN_FAILED: {
    message: 'The operating system refused to start the worker process.',
    hint: 'details.cause is the system error: E2BIG means the environment and arguments are too large (one env value may be at most 128 KiB on Linux, all of them together about 2 MiB): pass big data in a file instead. Not retried: a fork that fails once fails again.',
    exit: 'failed',
    http: 500,
  },
  E_PORT_IN_USE: {
    message: 'The port the app listens on is already in use.',
    hint: 'Stop whatever holds the port (`ss -ltnp` shows it) or give the app another port.',
    exit: 'conflict',
    http: 409,
  },
  E_DAEMON_RUNNING: {
    message: 'Another hotctl daemon already runs on this state directory.',
    hint: 'Talk to it with the CLI, stop it with `hotctl kill`, or set HOTCTL_HOME to another directory.',
    exit: 'conflict',
    http: 409,
  },
  E_DAEMON_UNREACHABLE: {
    message: 'The hotctl daemon could not be reached.',
    hint: 'Check HOTCTL_HOME and the daemon log (HOTCTL_HOME/daemon.log).',
    exit: 'daemon',
    http: 503,
  },
  E_DAEMON_START_FAILED: {
    message: 'The hotctl daemon did not start.',
    hint: 'Read the daemon log (HOTCTL_HOME/daemon.log) shown above.',
    exit: 'daemon',
    http: 503,
  },
  E_UPDATE_FAILED: {
    message: 'The new daemon did not take over; the running daemon keeps serving every app.',
    hint: 'Read the cause above and the daemon log (HOTCTL_HOME/daemon.log), fix the new install, then run `hotctl update` again.',
    exit: 'daemon',
    http: 503,
  },
  E_DAEMON_VERSION_MISMATCH: {
    message: 'The running daemon is an older version than this CLI.',
    hint: 'Run `hotctl update` to replace it (without downtime: the apps keep serving), or use the CLI that matches it.',
    exit: 'daemon',
    http: 503,
  },
  E_DAEMON_NEWER: {
    message: 'The running daemon is newer than this CLI; downgrading it is refused.',
    hint: 'Use the newer CLI. `hotctl update --force` downgrades the daemon (its apps move to new workers on the same revision).',
    exit: 'daemon',
    http: 503,
  },
  E_HOME_UNSAFE: {
    message: 'The state directory is not safe to use.',
    hint: 'HOTCTL_HOME must be a directory owned by you and not writable by others (mode 0700).',
    exit: 'conflict',
    http: 409,
  },
  E_PROTOCOL: {
    message: 'A malformed message was received on the control socket.',
    hint: 'Send JSON requests as documented in docs/protocol.md.',
    exit: 'usage',
    http: 400,
  },
  E_UNKNOWN_METHOD: {
    message: 'The daemon does not know that request.',
    hint: 'The CLI and daemon may differ in version; see `hotctl status`.',
    exit: 'usage',
    http: 400,
  },
  E_SHUTTING_DOWN: {
    message: 'The daemon is shutting down.',
    hint: 'Run the command again in a moment; a new daemon will be started.',
    exit: 'daemon',
    http: 503,
  },
  E_STATE_WRITE_FAILED: {
    message: 'The daemon could not write its state to disk.',
    hint: 'Free space on the file system of HOTCTL_HOME (`df -h`); `hotctl status` shows a notice until the state is written again (retried every second).',
    exit: 'failed',
    http: 500,
  },
  E_DAEMON_DIED: {
    message: 'The daemon died while the operation ran; it was not completed.',
    hint: 'Read HOTCTL_HOME/daemon.log for why the daemon stopped, then run the operation again.',
    exit: 'failed',
    http: 500,
  },
  E_INTERNAL: {
    message: 'hotctl hit an internal error.',
    hint: 'This is a bug in hotctl; the daemon log has the stack trace. Please report it.',
    exit: 'failed',
    http: 500,
  },
  /** The HTTP listener's own refusals. */
  ...HTTP_ERROR_CODES,
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** What a HotctlError looks like on the wire (and in `--json` output). */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  hint: string;
  details?: Record<string, unknown>;
}

/** The one error class of hotctl. It crosses the socket as {@link ErrorPayload}. */
export class HotctlError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options: { hint?: string; details?: Record<string, unknown> } = {}) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'HotctlError';
    this.code = code;
    this.hint = options.hint ?? ERROR_CODES[code].hint;
    this.details = options.details;
  }

  /** The exit code the CLI ends with for this error. */
  get exitCode(): number {
    return EXIT_CODES[ERROR_CODES[this.code].exit];
  }

  /** The HTTP status the daemon's HTTP listener answers this error with. */
  get httpStatus(): ErrorEntry['http'] {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): ErrorPayload {
    const out: ErrorPayload = { code: this.code, message: this.message, hint: this.hint };
    if (this.details !== undefined) out.details = this.details;
    return out;
  }

  static fromJSON(payload: ErrorPayload): HotctlError {
    const code = isErrorCode(payload.code) ? payload.code : 'E_INTERNAL';
    return new HotctlError(code, payload.message, { hint: payload.hint, details: payload.details });
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** Wraps anything thrown into a HotctlError (unknown errors become E_INTERNAL). */
export function toHotctlError(err: unknown): HotctlError {
  if (err instanceof HotctlError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new HotctlError('E_INTERNAL', message, {
    details: err instanceof Error && err.stack ? { stack: err.stack } : undefined,
  });
}
