/**
 * Where a command writes. Human text goes to stdout (results, progress) and stderr (errors,
 * notes); with --json, stdout carries only JSON lines and nothing is coloured.
 */
import type { HotctlError } from '../protocol/index.js';
import { colourWanted, createColours, type Colours } from './render/colour.js';

export interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Output {
  readonly json: boolean;
  readonly colours: Colours;
  /** A line on stdout. */
  line(text: string): void;
  /** A line on stderr. */
  note(text: string): void;
  /** One JSON document on one line of stdout. */
  jsonLine(value: unknown): void;
}

export interface Streams {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export function createOutput(streams: Streams, json: boolean): Output {
  const colours = createColours(!json && colourWanted(streams.stdout, streams.env));
  return {
    json,
    colours,
    line: (text) => void streams.stdout.write(`${text}\n`),
    note: (text) => void streams.stderr.write(`${text}\n`),
    jsonLine: (value) => void streams.stdout.write(`${JSON.stringify(value)}\n`),
  };
}

/** Extra lines to print with an error (e.g. the formatted problems of an ecosystem file). */
const errorLines = new WeakMap<HotctlError, string[]>();

export function attachErrorLines(err: HotctlError, lines: string[]): HotctlError {
  errorLines.set(err, lines);
  return err;
}

function detailLines(value: unknown): string[] {
  if (typeof value === 'string') return value.replace(/\n$/, '').split('\n');
  if (Array.isArray(value)) return value.map((line) => String(line));
  return [];
}

/**
 * Prints a failure: `error: <message> (<code>)`, what the error carries (problems, the failing
 * worker's stderr tail, the daemon log tail), then `hint: <hint>`. All on stderr; with --json,
 * also `{"error": …}` on stdout.
 */
export function printError(out: Output, err: HotctlError, env: NodeJS.ProcessEnv = process.env): void {
  if (out.json) out.jsonLine({ error: err.toJSON() });
  const c = createColours(out.colours.enabled);
  out.note(`${c.red('error:')} ${err.message} (${err.code})`);
  for (const line of errorLines.get(err) ?? []) out.note(`  ${line}`);
  const details = err.details ?? {};
  const stderr = detailLines(details.stderr);
  if (stderr.length > 0) {
    const who = typeof details.worker_id === 'number' ? `worker ${details.worker_id}${typeof details.pid === 'number' ? ` (pid ${details.pid})` : ''}` : 'the worker';
    out.note(c.dim(`stderr of ${who}:`));
    for (const line of stderr) out.note(`  ${c.dim('|')} ${line}`);
  }
  const log = detailLines(details.log);
  if (log.length > 0) {
    out.note(c.dim(typeof details.log_file === 'string' ? `${details.log_file}:` : 'daemon log:'));
    for (const line of log) out.note(`  ${c.dim('|')} ${line}`);
  }
  if (typeof details.stack === 'string' && env.HOTCTL_DEBUG) out.note(details.stack);
  out.note(`${c.yellow('hint:')} ${err.hint}`);
}
