/**
 * The daemon's parts as `hotctl update` sees them (messages.ts has the sequence): what the old
 * daemon releases once the new one has taken over (give.ts), and the steps of the new daemon's
 * take-over (take.ts). daemon.ts composes them in a few lines.
 */
import type { AppRegistry } from '../app-registry.js';
import type { ControlServer } from '../control-server.js';
import type { DurableState } from '../durable-state.js';
import type { RestoreResult } from '../state-restore.js';
import type { TrafficWiring } from '../traffic-wiring.js';
import type { GiveDeps } from './give.js';
import type { TakeOver } from './take.js';

export interface HandoffParts {
  log(line: string): void;
  state: DurableState;
  traffic: TrafficWiring;
  registry: AppRegistry;
  control(): ControlServer | null;
}

/** The old daemon: its share to release once the new one took over. */
export function giveDeps(parts: HandoffParts, daemonLog: string, http: GiveDeps['http'], closeHttp: () => Promise<void>): GiveDeps {
  return {
    logPath: daemonLog,
    log: parts.log,
    sockets: () => parts.traffic.listeningSockets(),
    http,
    release: async () => {
      parts.state.frozen = true;
      await parts.traffic.stopAccepting();
      // daemon.sock is the new daemon's now: ours must not unlink it.
      parts.control()?.moveTo(null);
      await closeHttp();
    },
  };
}

export interface TakeOverPlace {
  /** HOTCTL_HOME/daemon.sock, renamed over from the temporary socket. */
  socket: string;
  restored: Promise<RestoreResult>[];
  lock: { take(): void };
  /** Starts the HTTP listener (on the old daemon's socket when it handed it over: TakeOver.http). */
  startHttp(): Promise<void>;
}

/** The new daemon, its apps restoring: waits until every app is ready, then takes over (throws the cause otherwise). */
export async function takeOver(from: TakeOver, parts: HandoffParts, at: TakeOverPlace): Promise<void> {
  const { registry, state } = parts;
  const { completeTakeOver } = await import('./take.js');
  return completeTakeOver(
    from,
    {
      restored: at.restored,
      notReady: () =>
        registry
          .list()
          .filter((sup) => sup.wanted === 'running' && sup.pool.workers.filter((w) => w.state === 'ready').length < sup.spec.instances)
          .map((sup) => sup.name),
      apps: () => registry.list().map((sup) => sup.name),
      acceptAdopted: () => parts.traffic.acceptAdopted(),
      moveControl: () => parts.control()?.moveTo(at.socket),
      takeLock: () => at.lock.take(),
      writeState: () => {
        state.frozen = false;
        state.flush();
      },
      startHttp: at.startHttp,
    },
    parts.log,
  );
}
