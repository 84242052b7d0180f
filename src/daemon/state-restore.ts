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

/** Starts restoring each app of `loaded`; each outcome is logged when known. */
export function restoreState(loaded: LoadedState, d: RestoreDeps): void {
  if (loaded.kind === 'corrupt') {
    const notice = `The state file was unreadable (${loaded.reason}); it was kept as ${loaded.keptAs} and the daemon started empty.`;
    d.notice(notice);
    d.log(notice);
    return;
  }
  if (loaded.kind === 'none') return;
  for (const saved of loaded.state.apps) {
    const record = d.inheritedEnv ? recordWithInheritedEnv(saved, d.inheritedEnv) : saved;
    void d.restore(record).then(
      (op) => op && d.log(`restored ${record.name} (starting revision ${op.toRevision ?? '?'})`),
      (err: Error) => d.log(`could not restore ${record.name}: ${err.message}`),
    );
  }
}
