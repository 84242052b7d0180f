/**
 * Strict parsing of numeric flags and arguments. yargs' `number` type turns "2x" into NaN and
 * "1e3" into 1000; counts are taken as strings and read here, so that anything but a plain whole
 * number is a usage error (exit 2) that names the flag.
 */
import { HotctlError } from '../protocol/errors.js';

/** A usage error that points at the command's --help. */
export function usageError(command: string, message: string): HotctlError {
  return new HotctlError('E_USAGE', message, { hint: `Run \`hotctl ${command} --help\` for the accepted arguments.` });
}

/** A whole number ≥ `min` written in plain digits; `undefined` stays undefined (flag not given). */
export function parseCount(value: string | number | undefined, what: string, command: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text)) && Number(text) >= min) return Number(text);
  throw usageError(command, `${what} takes a whole number ≥ ${min}; got "${String(value)}".`);
}
