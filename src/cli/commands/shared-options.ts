/** Options several commands share. */
import type { Argv } from 'yargs';

/** `<name|all>` and `--wait`, for reload, restart, stop and delete. */
export function targetOptions<T>(y: Argv<T>, verb: string) {
  return y
    .positional('target', { type: 'string', demandOption: true, describe: `The app to ${verb}, or "all"` })
    .option('wait', { type: 'boolean', default: false, describe: 'Queue behind an operation already running on the app instead of failing (exit 4)' });
}
