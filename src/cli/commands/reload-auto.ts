/**
 * `hotctl reload <name> --auto` (progressive delivery, issue 12): the flags that run the app's
 * canary plan (its `canary` key) and override each field of it. The analysis runs in the daemon:
 * the CLI follows the reload operation, which ends promoted (exit 0) or rolled back
 * (E_CANARY_FAILED, exit 1); killing the CLI does not stop it.
 */
import type { Argv } from 'yargs';
import type { CanaryPlanKey, CanaryPlanOverrides } from '../../protocol/index.js';
import { usageError } from '../flags.js';

/** Each override flag, the plan field it sets, and its help text. */
export const AUTO_FLAGS = {
  steps: { key: 'steps', describe: 'With --auto: the canary\'s share at each step, e.g. "5%,25%,50%"' },
  'step-interval': { key: 'step_interval', describe: 'With --auto: how long each step lasts before it is judged, e.g. "30s"' },
  'max-error-rate': { key: 'max_error_rate', describe: 'With --auto: the highest error rate (5xx, resets, timeouts over requests) of a step, from 0 to 1, e.g. 0.01' },
  'max-p99-ratio': { key: 'max_p99_ratio', describe: "With --auto: the highest p99 latency of the canary over the stable revision's, e.g. 1.5" },
  'min-requests': { key: 'min_requests', describe: 'With --auto: requests a step needs to be judged; fewer extend it (up to --max-step-interval)' },
  'max-step-interval': { key: 'max_step_interval', describe: 'With --auto: how long a step with too few requests may last before it fails as inconclusive (default 4 × the step interval)' },
  'max-event-loop-delay-ms': { key: 'max_event_loop_delay_ms', describe: "With --auto: the highest event-loop delay p99 of the canary's workers (ms)" },
} as const satisfies Record<string, { key: CanaryPlanKey; describe: string }>;

type AutoFlag = keyof typeof AUTO_FLAGS;
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export type AutoArgs = { auto?: boolean } & { [flag: string]: unknown };

/** The flags' request field: `auto` with the overrides given, or nothing without --auto. */
export async function autoParams(argv: AutoArgs): Promise<{ auto?: CanaryPlanOverrides }> {
  const given = (Object.keys(AUTO_FLAGS) as AutoFlag[]).filter((flag) => argv[camel(flag)] !== undefined);
  if (!argv.auto) {
    if (given.length > 0) throw usageError('reload', `--${given[0]} goes with --auto.`);
    return {};
  }
  const { canaryField, CANARY_FIELD_EXPECTED } = await import('../../config/canary-plan.js');
  const auto: Record<string, unknown> = {};
  for (const flag of given) {
    const { key } = AUTO_FLAGS[flag];
    const text = String(argv[camel(flag)]).trim();
    const raw = key === 'steps' || key === 'step_interval' || key === 'max_step_interval' ? text : /^\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    const value = canaryField(key, raw);
    if (value === undefined) throw usageError('reload', `--${flag} takes ${CANARY_FIELD_EXPECTED[key]}; got "${text}".`);
    auto[key] = value;
  }
  return { auto: auto as CanaryPlanOverrides };
}

export function autoOptions<T>(cmd: Argv<T>): Argv<T> {
  let out = cmd.option('auto', {
    type: 'boolean',
    describe: "Progressive delivery: run the app's canary plan (its `canary` key) in the daemon — the canary takes each step's share, is judged against the stable revision (error rate, p99 ratio, crashes), then promoted (exit 0) or rolled back (E_CANARY_FAILED, exit 1)",
  });
  for (const [flag, { describe }] of Object.entries(AUTO_FLAGS)) out = out.option(flag, { type: 'string', describe });
  return out;
}
