/**
 * A daemon that died (even kill -9) comes back with every app it ran, at its last spec. An
 * unreadable state file was kept aside by loadState (state-store.ts): the daemon starts empty
 * and says so in status.
 */
import type { Operation } from '../cluster/operation.js';
import type { SupervisorRecord } from '../cluster/supervisor.js';
import { recordWithInheritedEnv } from './app-registry.js';
import type { LoadedState } from './state-store.js';

export interface RestoreDeps {
  restore(record: SupervisorRecord): Promise<Operation | null>;
  /** `hotctl run`: its shell's environment, given to every restored app (see DaemonOptions). */
  inheritedEnv?: Record<string, string>;
  log(line: string): void;
  /** A notice for status. */
  notice(text: string): void;
}

/** How one app's restore ended (null: an app that was not running, nothing to start). */
export type RestoreResult = { app: string; state: string; error: string | null } | null;

/**
 * Starts restoring each app of `loaded`; each outcome is logged when known. The promises (one per
 * app, never rejected) resolve once each restore operation has ended: `hotctl update`'s new daemon
 * takes over only when all succeeded (handoff/take.ts); everyone else lets them run.
 */
export function restoreState(loaded: LoadedState, d: RestoreDeps): Promise<RestoreResult>[] {
  if (loaded.kind === 'corrupt') {
    const notice = `The state file was unreadable (${loaded.reason}); it was kept as ${loaded.keptAs} and the daemon started empty.`;
    d.notice(notice);
    d.log(notice);
    return [];
  }
  if (loaded.kind === 'none') return [];
  return loaded.state.apps.map((saved) => {
    const record = d.inheritedEnv ? recordWithInheritedEnv(saved, d.inheritedEnv) : saved;
    return d.restore(record).then(
      async (op): Promise<RestoreResult> => {
        if (!op) return null;
        d.log(`restored ${record.name} (starting revision ${op.toRevision ?? '?'})`);
        const done = await op.finished;
        return { app: record.name, state: done.state, error: done.error?.message ?? null };
      },
      (err: Error): RestoreResult => {
        d.log(`could not restore ${record.name}: ${err.message}`);
        return { app: record.name, state: 'failed', error: err.message };
      },
    );
  });
}
