/**
 * The apps the daemon runs, by name, and who listens on which port. Requests from the control
 * server land here; each becomes an operation on one app's supervisor.
 */
import type { ApplyPlanItem, AppSpec, OperationKind, OperationSnapshot } from '../protocol/index.js';
import type { CodeFacts } from '../cluster/apply-plan.js';
import { planApply } from '../cluster/apply-plan.js';
import type { OperationRequest } from '../cluster/op-steps.js';
import { HotctlError } from '../protocol/index.js';
import type { Operation } from '../cluster/operation.js';
import { reconcileRevisions } from '../cluster/revision.js';
import type { SupervisorDeps, SupervisorRecord } from '../cluster/supervisor.js';
import { Supervisor } from '../cluster/supervisor.js';
import type { PortClaims } from '../cluster/worker-pool.js';

/** Port key → app → worker ids listening there. */
export class PortRegistry implements PortClaims {
  private readonly holders = new Map<string, Map<string, Set<number>>>();

  claim(key: string, app: string, workerId: number): string | null {
    let apps = this.holders.get(key);
    if (!apps) this.holders.set(key, (apps = new Map()));
    for (const [other, workers] of apps) if (other !== app && workers.size > 0) return other;
    let mine = apps.get(app);
    if (!mine) apps.set(app, (mine = new Set()));
    mine.add(workerId);
    return null;
  }

  release(app: string, workerId: number): void {
    for (const [key, apps] of this.holders) {
      const mine = apps.get(app);
      if (!mine) continue;
      mine.delete(workerId);
      if (mine.size === 0) apps.delete(app);
      if (apps.size === 0) this.holders.delete(key);
    }
  }
}

export class AppRegistry {
  private readonly apps = new Map<string, Supervisor>();

  constructor(private readonly deps: SupervisorDeps) {}

  list(): Supervisor[] {
    return [...this.apps.values()];
  }

  get(name: string): Supervisor {
    const sup = this.apps.get(name);
    if (!sup) {
      const known = [...this.apps.keys()];
      throw new HotctlError('E_APP_NOT_FOUND', `No app named "${name}".`, {
        hint: known.length > 0 ? `Known apps: ${known.join(', ')}.` : 'No app runs yet; start one with `hotctl start <file|script>`.',
        details: { app: name, known },
      });
    }
    return sup;
  }

  /**
   * Starts apps that do not run. All-or-nothing: if any name is taken by a running app,
   * nothing starts. A known but stopped app is started again with the spec given.
   */
  async start(specs: AppSpec[]): Promise<Operation[]> {
    const names = new Set<string>();
    for (const spec of specs) {
      if (names.has(spec.name)) throw new HotctlError('E_CONFIG_INVALID', `The app "${spec.name}" is listed twice.`, { details: { app: spec.name } });
      names.add(spec.name);
      const existing = this.apps.get(spec.name);
      if (existing && (existing.wanted === 'running' || existing.operation !== null)) {
        throw new HotctlError('E_APP_EXISTS', `The app "${spec.name}" is already running (revision ${existing.activeRevision}).`, { details: { app: spec.name } });
      }
    }
    const operations: Operation[] = [];
    for (const spec of specs) {
      let sup = this.apps.get(spec.name);
      if (!sup) {
        sup = new Supervisor(spec, this.deps);
        this.apps.set(spec.name, sup);
      }
      // autostart: false — registered, stopped, its cron_restart schedule armed.
      if (!spec.autostart) sup.registerStopped(spec);
      else operations.push(await sup.begin('start', { spec }));
    }
    return operations;
  }

  /** Starts `kind` on one app; a delete that succeeds forgets the app. */
  async operate(kind: Exclude<OperationKind, 'start'>, name: string, options: OperationRequest & { wait?: boolean } = {}): Promise<Operation> {
    const sup = this.get(name);
    if (options.spec && options.spec.name !== name) {
      throw new HotctlError('E_USAGE', `The spec is for "${options.spec.name}", not "${name}".`);
    }
    const op = await sup.begin(kind, options);
    if (kind === 'delete') {
      void op.finished.then((done) => {
        if (done.state === 'succeeded' && this.apps.get(name) === sup) {
          this.apps.delete(name);
          this.deps.changed();
        }
      });
    }
    return op;
  }

  /**
   * Applies an ecosystem file: the plan first (planApply), then one operation per app that
   * changes. All-or-nothing before anything moves: an app busy with another operation refuses
   * the whole apply (unless `wait`).
   */
  async apply(specs: AppSpec[], options: { prune?: boolean; dryRun?: boolean; wait?: boolean; changedOnly?: boolean; updateEnv?: boolean }): Promise<{ plan: ApplyPlanItem[]; operations: Operation[] }> {
    // A stopped app named in the file is started again; only running apps are compared.
    const running = this.list().filter((sup) => sup.wanted === 'running' || sup.operation !== null);
    // A running app keeps the environment it was started with unless the CLI asks (--update-env).
    if (!options.updateEnv) specs = specs.map((spec) => keepInheritedEnv(spec, running.find((sup) => sup.name === spec.name)?.spec));
    const plan = planApply(
      running.map((sup) => sup.spec),
      specs,
      { prune: options.prune === true, changedOnly: options.changedOnly === true, ...(await this.codeFacts(running, specs)) },
    );
    if (options.dryRun) return { plan, operations: [] };
    if (!options.wait) {
      for (const item of plan) {
        const busy = this.apps.get(item.app)?.operation;
        if (busy && item.action !== 'unchanged' && item.action !== 'keep') {
          throw new HotctlError('E_OPERATION_IN_PROGRESS', `${busy.kind} of "${item.app}" is in progress (${busy.id}); nothing was applied.`, {
            details: { app: item.app, operation: busy.id },
          });
        }
      }
    }
    const operations: Operation[] = [];
    const bySpec = new Map(specs.map((s) => [s.name, s]));
    for (const item of plan) {
      const spec = bySpec.get(item.app);
      if (item.action === 'start' && spec) operations.push(...(await this.start([spec])));
      else if (item.action === 'reload' && spec) operations.push(await this.operate('reload', item.app, { spec, wait: options.wait }));
      else if (item.action === 'scale' && spec) operations.push(await this.operate('scale', item.app, { instances: spec.instances, wait: options.wait }));
      else if (item.action === 'delete') operations.push(await this.operate('delete', item.app, { wait: options.wait }));
    }
    return { plan, operations };
  }

  /**
   * What `apply` compares to see new code on disk: the active revision's facts of each running
   * app, and a fresh look at the files of each wanted one (unreadable: left out, the reload says why).
   */
  private async codeFacts(running: Supervisor[], specs: AppSpec[]): Promise<{ runningFacts: Map<string, CodeFacts>; wantedFacts: Map<string, CodeFacts> }> {
    const runningFacts = new Map<string, CodeFacts>();
    for (const sup of running) {
      const revision = sup.activeRevisionRecord();
      if (revision) runningFacts.set(sup.name, revision);
    }
    const wantedFacts = new Map<string, CodeFacts>();
    await Promise.all(
      specs
        .filter((spec) => runningFacts.has(spec.name))
        .map(async (spec) => {
          try {
            wantedFacts.set(spec.name, await this.deps.inspect(spec));
          } catch {
            // the reload itself reports a missing script
          }
        }),
    );
    return { runningFacts, wantedFacts };
  }

  /**
   * Re-creates an app from its record (history kept, outcomes that only a running operation
   * could settle reconciled); starts it if it was running. `keepCanary` (`hotctl update`'s new
   * daemon): a canary the record holds is held again; otherwise (a daemon that died) it is rolled
   * back, with the cause.
   */
  async restore(record: SupervisorRecord, keepCanary = false): Promise<Operation | null> {
    if (this.apps.has(record.name)) return null;
    const held = keepCanary && record.running ? (record.canary ?? null) : null;
    const reconciled = reconcileRevisions(record.revisions, record.active_revision, held?.revision ?? null);
    const sup = new Supervisor(record.spec, this.deps, record);
    this.apps.set(record.name, sup);
    if (reconciled > 0) this.deps.changed();
    if (!record.running) return null;
    const start = await sup.begin('start', { spec: record.spec, resume: true });
    if (!held) return start;
    // The canary held before: held again once the active revision serves (canary-resume.ts).
    if ((await start.finished).state !== 'succeeded') {
      if (reconcileRevisions(record.revisions, record.active_revision) > 0) this.deps.changed();
      return start;
    }
    return sup.begin('reload', { resumeCanary: held, wait: true });
  }

  /** Starts the saved apps that do not run now. */
  async resurrect(records: SupervisorRecord[]): Promise<Operation[]> {
    const ops: Operation[] = [];
    for (const record of records) {
      const sup = this.apps.get(record.name);
      if (sup && (sup.wanted === 'running' || sup.operation)) continue;
      if (sup) ops.push(await sup.begin('start', { spec: record.spec }));
      else {
        const op = await this.restore({ ...record, running: true });
        if (op) ops.push(op);
      }
    }
    return ops;
  }

  findOperation(id: string): OperationSnapshot | null {
    for (const sup of this.apps.values()) {
      const status = sup.status();
      if (status.operation?.id === id) return status.operation;
      if (status.last_operation?.id === id) return status.last_operation;
    }
    return null;
  }

  /** Stops every app (waiting for operations in progress), for daemon shutdown. */
  /**
   * Ends every running canary analysis (`reload --auto`) with its canary rolled back and that
   * recorded, when the daemon stops or is replaced (`hotctl update`); resolves once they ended.
   */
  async abandonAnalyses(reason: string): Promise<void> {
    const running = this.list().filter((sup) => sup.status().analysis !== undefined && sup.operation !== null);
    const ops = await Promise.all(running.map((sup) => sup.begin('rollback', { reason }).catch(() => sup.operation)));
    await Promise.all(ops.map((op) => op?.finished));
  }

  async stopAll(): Promise<void> {
    await this.abandonAnalyses('the daemon stops');
    const ops = await Promise.all(this.list().map((sup) => sup.begin('stop', { wait: true })));
    await Promise.all(ops.map((op) => op.finished));
  }

  killAll(): void {
    for (const sup of this.apps.values()) sup.pool.killAll('SIGKILL');
  }
}

/** `spec` with the `inherited_env` of the running app's `deployed` spec, when there is one. */
function keepInheritedEnv(spec: AppSpec, deployed: AppSpec | undefined): AppSpec {
  if (!deployed) return spec;
  const { inherited_env: _given, ...rest } = spec;
  return deployed.inherited_env === undefined ? rest : { ...rest, inherited_env: deployed.inherited_env };
}

/** A saved app with `env` as the inherited env of its spec and of every revision (`hotctl run` restarted). */
export function recordWithInheritedEnv(record: SupervisorRecord, env: Record<string, string>): SupervisorRecord {
  return {
    ...record,
    spec: { ...record.spec, inherited_env: env },
    revisions: record.revisions.map((revision) => ({ ...revision, spec: { ...revision.spec, inherited_env: env } })),
  };
}
