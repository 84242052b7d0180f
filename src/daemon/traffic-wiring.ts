/**
 * Composes the connection router (src/traffic/router.ts) into the daemon (docs/traffic.md):
 * - workers of cluster-mode apps are forked with HOTCTL_TRAFFIC=1, so their runtime asks the
 *   router for every routable listen (fork-mode processes keep node:cluster's own handling);
 * - a worker is routable exactly while it is `ready` (from the transitions the daemon emits):
 *   starting, draining, unresponsive and parked workers get no connection — readiness gates
 *   traffic, and a parked generation (src/cluster/parking.ts) is out of the rotation;
 * - an app's sockets close when a `stop` or `delete` of it succeeds, or its `start` fails;
 *   through reloads, restarts and crashes they stay open (connections queue while no worker is
 *   ready).
 *
 * - a canary held with a share (`reload --canary 10%`) sets the app's weights (traffic-report.ts)
 *   after every operation event of the app; without one they are cleared (by worker count).
 *
 * `HOTCTL_TRAFFIC_ROUTING=0` in the daemon's env turns routing off (node:cluster's round-robin,
 * as before issue 11).
 */
import type { AppSpec, AppTrafficInfo, DaemonEvent } from '../protocol/index.js';
import { TRAFFIC_ENV } from '../protocol/traffic-ipc.js';
import type { ForkWorker } from '../cluster/worker-host.js';
import { Router, type AdoptedSocket } from '../traffic/router.js';
import type { SocketStats } from '../traffic/routed-socket.js';
import { trafficReport, weightsKey, weightsOf, type CanaryShare } from './traffic-report.js';

/** The daemon's switch: "0" turns connection routing off. */
export const TRAFFIC_ROUTING_ENV = 'HOTCTL_TRAFFIC_ROUTING';

const routed = (spec: AppSpec): boolean => !spec.exec_mode.startsWith('fork');

export class TrafficWiring {
  private readonly router: Router | null;
  /** The weights applied per app (weightsKey), and the weights themselves, for the report. */
  private readonly applied = new Map<string, { key: string; weights: ReadonlyMap<number, number> | null }>();

  /** `canaryOf`: the app's canary held with a share, or null (read from the supervisor's canary hold). */
  constructor(
    env: NodeJS.ProcessEnv = process.env,
    adopted: readonly AdoptedSocket[] = [],
    private readonly canaryOf: (app: string) => CanaryShare | null = () => null,
  ) {
    this.router = env[TRAFFIC_ROUTING_ENV] === '0' ? null : new Router({ routes: () => true, adopted });
  }

  /** `hotctl update`: the listening sockets to hand over, the adopted ones start accepting, ours close. */
  listeningSockets(): AdoptedSocket[] {
    return this.router?.listeningSockets() ?? [];
  }

  acceptAdopted(): void {
    this.router?.acceptAdopted();
  }

  /** Stops accepting; resolves once what was accepted has been handed to a worker. */
  async stopAccepting(): Promise<void> {
    await this.router?.stopAccepting();
  }

  /** `fork` with routing asked of the workers of routed apps. */
  fork(inner: ForkWorker): ForkWorker {
    if (this.router === null) return inner;
    return (spec, env, cwd) => inner(spec, routed(spec) ? { ...env, [TRAFFIC_ENV]: '1' } : env, cwd);
  }

  /** Every event the daemon emits. */
  onEvent(event: DaemonEvent): void {
    if (this.router === null) return;
    if (event.kind === 'worker') {
      if (event.to === 'ready' || event.from === 'ready') this.router.setRoutable(event.app, event.worker_id, event.to === 'ready');
    } else if (event.kind === 'operation') {
      const op = event.operation;
      // A failed start leaves nothing running: its sockets close too (connections are refused, not queued).
      const over = (op.state === 'succeeded' && (op.kind === 'stop' || op.kind === 'delete')) || (op.state === 'failed' && op.kind === 'start');
      if (over) {
        this.router.closeApp(event.app);
        this.applied.delete(event.app);
        return;
      }
      this.applyWeights(event.app);
      // Ended: a socket no worker of the app listens on any more closes (traffic/unused-sockets.ts).
      this.router.setSettled(event.app, op.state === 'succeeded' || op.state === 'failed');
    }
  }

  /** The app's weights from its canary hold, applied when they changed. */
  private applyWeights(app: string): void {
    const weights = weightsOf(this.canaryOf(app));
    const key = weightsKey(weights);
    if ((this.applied.get(app)?.key ?? '') === key) return;
    this.applied.set(app, { key, weights });
    this.router?.setWeights(app, weights);
  }

  /**
   * Whether the router owns a listening socket of `app` (a reload may then park the previous
   * generation: unrouted, it gets no connection). Listens it does not route -- `exclusive: true`,
   * `listen({fd})`, dgram -- would still reach a parked worker: docs/traffic.md, "Parking".
   */
  routes(app: string): boolean {
    return this.router !== null && this.router.stats(app).length > 0;
  }

  /** What the router saw of `app` (status, /metrics); null when none of its listens is routed. */
  report(app: string): AppTrafficInfo | null {
    return trafficReport(this.stats(app), this.applied.get(app)?.weights ?? null);
  }

  stats(app?: string): SocketStats[] {
    return this.router?.stats(app) ?? [];
  }
}
