/** Options several commands share. */
import type { Argv } from 'yargs';

/** `<target>` and `--wait`, for reload, restart, stop and delete. */
export function targetOptions<T>(y: Argv<T>, verb: string) {
  return y
    .positional('target', {
      type: 'string',
      demandOption: true,
      describe: `The app to ${verb}: a name, "all", an ecosystem file, a script path, or the pid of one of its workers`,
    })
    .option('wait', { type: 'boolean', default: false, describe: 'Queue behind an operation already running on the app instead of failing (exit 4)' });
}

/** `--only` and `--env`, for commands that take an ecosystem file. */
export function fileOptions<T>(y: Argv<T>) {
  return y
    .option('only', { type: 'string', describe: 'With an ecosystem file: only these apps ("api,worker")' })
    .option('env', { type: 'string', describe: 'With an ecosystem file: use its env_<NAME> block' });
}
