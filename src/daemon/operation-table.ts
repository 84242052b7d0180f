/**
 * The requests that start one operation on one app, as one table: each method names the
 * operation kind it starts, and its row says only what differs — the request handed to the
 * supervisor, the checks before it, and what follows once the operation began. One handler
 * (`runOperation`) does the rest for all of them, for the control socket and HTTP actions alike:
 *
 *   stopping? (E_SHUTTING_DOWN) ─► row.prepare(params) ─► registry.operate(kind, name, request)
 *     ─► row's `began` ─► follow (when asked) ─► { operation: snapshot }
 */
import type { AppSpec, CanaryPlan, CanaryPlanOverrides, OperationKind, Params, Result } from '../protocol/index.js';
import { defaultCanaryPlan, HotctlError, planProblems, withOverrides } from '../protocol/index.js';
import type { Operation } from '../cluster/operation.js';
import type { OperationRequest } from '../cluster/op-steps.js';

/** The methods that start one operation on one app, each named after the operation's kind. */
export const SINGLE_APP_OPERATIONS = ['reload', 'promote', 'rollback', 'scale', 'restart', 'stop', 'delete'] as const satisfies readonly Exclude<OperationKind, 'start'>[];
export type SingleAppOperation = (typeof SINGLE_APP_OPERATIONS)[number];

/** What the table's rows may use. */
export interface OperationContext {
  /** The deployed spec of an app (E_APP_NOT_FOUND when there is none). */
  specOf(name: string): AppSpec;
  operate(kind: SingleAppOperation, name: string, request: OperationRequest & { wait?: boolean }): Promise<Operation>;
  /** Every file the spec's lines go to can be written (else E_LOG_UNWRITABLE, nothing starts). */
  checkLogFiles(specs: AppSpec[]): void;
  /** Closes a deleted app's log files. */
  releaseLogFiles(spec: AppSpec): void;
  stopping(): boolean;
}

interface Prepared {
  request: OperationRequest & { wait?: boolean };
  began?(op: Operation): void;
}

export interface OperationRow<M extends SingleAppOperation> {
  /** Stop and delete still run while the daemon stops: they are what a shutdown does anyway. */
  refusedWhileStopping: boolean;
  prepare(params: Params<M>, c: OperationContext): Prepared;
}

export const OPERATION_TABLE: { readonly [M in SingleAppOperation]: OperationRow<M> } = {
  reload: {
    refusedWhileStopping: true,
    prepare: ({ name, spec, wait, strategy, batch, canary, canary_share, auto, rollback_window }, c) => {
      // The files are checked (and one removed by hand opened again) at every reload.
      const deployed = spec ?? c.specOf(name);
      c.checkLogFiles([deployed]);
      const window = rollback_window === undefined ? {} : { rollbackWindowMs: rollback_window };
      if (auto !== undefined) return { request: { spec, wait, auto: autoPlan(name, deployed, auto, { strategy, batch, canary, canary_share }), ...window } };
      // A share of connections needs the primary's router: cluster-mode apps only (fork-mode processes listen on their own).
      if (canary_share !== undefined && (canary === undefined || deployed.exec_mode.startsWith('fork'))) {
        throw new HotctlError('E_USAGE', canary === undefined ? '"canary_share" goes with "canary".' : `A canary share of connections needs cluster mode; "${name}" runs in ${deployed.exec_mode} mode: use --canary K (workers).`);
      }
      return { request: { spec, wait, strategy, batch, canary, ...(canary_share === undefined ? {} : { canaryShare: canary_share }), ...window } };
    },
  },
  promote: { refusedWhileStopping: true, prepare: ({ wait }) => ({ request: { wait } }) },
  rollback: { refusedWhileStopping: true, prepare: ({ to, force, wait }) => ({ request: { to, force, wait } }) },
  scale: { refusedWhileStopping: true, prepare: ({ instances, wait }) => ({ request: { instances, wait } }) },
  restart: {
    refusedWhileStopping: true,
    prepare: ({ name, wait, spec }, c) => {
      // A spec without `inherited_env` (restart <file> without --update-env) keeps the deployed one.
      const deployed = c.specOf(name);
      const given: AppSpec | undefined = spec && spec.inherited_env === undefined && deployed.inherited_env !== undefined ? { ...spec, inherited_env: deployed.inherited_env } : spec;
      c.checkLogFiles([given ?? deployed]);
      return { request: { wait, ...(given ? { spec: given } : {}) } };
    },
  },
  stop: { refusedWhileStopping: false, prepare: ({ wait }) => ({ request: { wait } }) },
  delete: {
    refusedWhileStopping: false,
    prepare: ({ name, wait }, c) => {
      const spec = c.specOf(name);
      return {
        request: { wait },
        // Its files are closed: removed by hand, they are created again at the next start.
        began: (op) => void op.finished.then((done) => done.state === 'succeeded' && c.releaseLogFiles(spec)),
      };
    },
  },
};

/** `reload --auto`: the app's plan with the request's fields over it, checked; a share of connections needs the router (cluster mode). */
function autoPlan(name: string, spec: AppSpec, overrides: CanaryPlanOverrides, others: Record<string, unknown>): CanaryPlan {
  const given = Object.entries(others).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (given.length > 0) throw new HotctlError('E_USAGE', `"auto" runs the app's canary plan; it does not go with ${given.map((k) => `"${k}"`).join(', ')}.`);
  if (spec.exec_mode.startsWith('fork')) throw new HotctlError('E_USAGE', `reload --auto gives the canary a share of connections, which needs cluster mode; "${name}" runs in ${spec.exec_mode} mode.`);
  const plan = withOverrides(spec.canary ?? defaultCanaryPlan(), overrides);
  const problems = planProblems(plan);
  if (problems.length > 0) throw new HotctlError('E_USAGE', `The canary plan of "${name}" cannot run: ${problems.join('; ')}.`, { details: { app: name, problems } });
  return plan;
}

/** The one handler of every row: the operation begun, followed when asked, its snapshot returned. */
export async function runOperation<M extends SingleAppOperation>(
  method: M,
  params: Params<M>,
  c: OperationContext,
  follow: (operationId: string, app: string) => void = () => {},
): Promise<Result<M>> {
  const row = OPERATION_TABLE[method] as OperationRow<M>;
  if (row.refusedWhileStopping && c.stopping()) throw new HotctlError('E_SHUTTING_DOWN');
  const prepared = row.prepare(params, c);
  const op = await c.operate(method, params.name, prepared.request);
  prepared.began?.(op);
  if (params.follow) follow(op.id, op.app);
  return { operation: op.snapshot() } as Result<M>;
}
