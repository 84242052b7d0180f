/**
 * The new daemon's side of `hotctl update` (messages.ts has the sequence). main.ts receives the
 * listening sockets before the daemon starts; the daemon then starts on a temporary control
 * socket, without the pid lock and without writing the state, restores every app, and once every
 * app is ready takes over: accepts on the sockets, renames its control socket over daemon.sock
 * (rename(2): a client finds one daemon or the other, never none), writes the pid file, and
 * writes the state from then on. The old daemon then closes its copies and its HTTP listener.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { PidLock } from '../pid-lock.js';
import type { AdoptedSocket } from '../../traffic/router.js';
import type { RawHandle } from '../../traffic/routed-socket.js';
import { HANDOFF_CMD, HANDOFF_ENV, isHandoffMessage, type NewToOld, type OldToNew } from './messages.js';

/** How long the new daemon waits for the old one's sockets. */
const RECEIVE_TIMEOUT_MS = 30_000;

export class TakeOver {
  private constructor(
    readonly sockets: AdoptedSocket[],
    readonly oldPid: number,
    readonly timeoutMs: number,
    private readonly inbox: Inbox,
    /** The old daemon's HTTP listener (host, port, listening handle), or null. */
    public http: { host: string; port: number; handle: object } | null,
  ) {}

  /** Keeps the old daemon's HTTP listener only if this daemon listens at the same place (else binds its own after the take-over). */
  keepHttp(host: string, port: number): void {
    if (this.http === null || (this.http.host === host && this.http.port === port)) return;
    (this.http.handle as { close?(): void }).close?.();
    this.http = null;
  }

  /** In main.ts: null unless this daemon was started by `hotctl update` (HOTCTL_HANDOFF=1 and an IPC channel). */
  static async receive(env: NodeJS.ProcessEnv = process.env): Promise<TakeOver | null> {
    const asked = env[HANDOFF_ENV] === '1';
    // Never inherited by the apps' workers.
    delete env[HANDOFF_ENV];
    if (!asked || typeof process.send !== 'function') return null;
    const inbox = new Inbox();
    send({ cmd: HANDOFF_CMD, act: 'hello' });
    const sockets: AdoptedSocket[] = [];
    let http: { host: string; port: number; handle: object } | null = null;
    for (;;) {
      const { message, handle } = await inbox.next(RECEIVE_TIMEOUT_MS);
      if (message.act === 'socket') sockets.push({ key: message.key, app: message.app, query: message.query, handle: handle as RawHandle });
      else if (message.act === 'http' && handle) http = { host: message.host, port: message.port, handle: handle as object };
      else if (message.act === 'sockets-done') return new TakeOver(sockets, message.old_pid, message.timeout_ms, inbox, http);
    }
  }

  /** A socket path of our own until the take-over. */
  controlPath(socket: string): string {
    return `${socket}.${process.pid}`;
  }

  /** The pid lock, taken at {@link tookOver}; released as acquirePidLock's is. */
  lock(pidFile: string): PidLock & { take(): void } {
    return {
      path: pidFile,
      take() {
        const tmp = `${pidFile}.${process.pid}.tmp`;
        writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
        renameSync(tmp, pidFile);
      },
      release() {
        try {
          if (Number.parseInt(readFileSync(pidFile, 'utf8'), 10) === process.pid) unlinkSync(pidFile);
        } catch {
          // gone already
        }
      },
    };
  }

  /** Every app is ready: says so and waits for the old daemon's go. */
  async ready(apps: string[]): Promise<void> {
    send({ cmd: HANDOFF_CMD, act: 'ready', apps });
    const { message } = await this.inbox.next(this.timeoutMs);
    if (message.act !== 'go') throw new Error(`the old daemon said ${message.act} instead of go`);
  }

  /** Says it took over; resolves when the old daemon freed the HTTP listener (or is gone). */
  async tookOver(): Promise<void> {
    send({ cmd: HANDOFF_CMD, act: 'took-over' });
    await this.inbox.next(this.timeoutMs).catch(() => undefined);
    if (process.connected) process.disconnect?.();
  }

  /** Tells the old daemon why; resolves once said (or it is gone). */
  fail(code: string, message: string): Promise<void> {
    return new Promise((resolve) => {
      if (!process.connected || !process.send) return resolve();
      const timer = setTimeout(resolve, 2000);
      process.send({ cmd: HANDOFF_CMD, act: 'failed', code, message } satisfies NewToOld, () => (clearTimeout(timer), resolve()));
    });
  }
}

function send(message: NewToOld): void {
  if (process.connected) process.send?.(message);
}

/** The old daemon's messages in order; its disconnect ends every wait. */
class Inbox {
  private readonly queue: Array<{ message: OldToNew; handle: unknown }> = [];
  private waiter: { resolve: (m: { message: OldToNew; handle: unknown }) => void; reject: (err: Error) => void } | null = null;
  private gone = false;

  constructor() {
    process.on('message', (message: unknown, handle: unknown) => {
      if (!isHandoffMessage(message)) return;
      const item = { message: message as OldToNew, handle };
      if (this.waiter) this.take().resolve(item);
      else this.queue.push(item);
    });
    process.once('disconnect', () => {
      this.gone = true;
      if (this.waiter) this.take().reject(new Error('the old daemon closed the channel'));
    });
  }

  next(timeoutMs: number): Promise<{ message: OldToNew; handle: unknown }> {
    const first = this.queue.shift();
    if (first) return Promise.resolve(first);
    if (this.gone) return Promise.reject(new Error('the old daemon closed the channel'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`nothing from the old daemon in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      };
    });
  }

  private take() {
    const waiter = this.waiter!;
    this.waiter = null;
    return waiter;
  }
}

export interface TakeOverSteps {
  /** The restore operations of the apps (null: an app not running). */
  restored: Promise<{ app: string; state: string; error: string | null } | null>[];
  /** Apps whose wanted workers are not all ready (names). */
  notReady(): string[];
  /** Every app's name, for the report. */
  apps(): string[];
  acceptAdopted(): void;
  moveControl(): void;
  takeLock(): void;
  writeState(): void;
  /** Starts the HTTP listener: on the old daemon's socket before the take-over is said, else once the old one freed it. */
  startHttp(): Promise<void>;
}

/**
 * The new daemon once its apps are restoring: waits for every restore, checks every wanted
 * worker is ready, then takes over. Throws (with the cause) when an app fails or is not ready.
 */
export async function completeTakeOver(takeOver: TakeOver, steps: TakeOverSteps, log: (line: string) => void): Promise<void> {
  const results = await Promise.all(steps.restored);
  const failed = results.filter((r) => r !== null && r.state !== 'succeeded');
  if (failed.length > 0) throw new Error(`not every app came back: ${failed.map((r) => `${r!.app} (${r!.state}${r!.error ? `: ${r!.error}` : ''})`).join(', ')}`);
  const notReady = steps.notReady();
  if (notReady.length > 0) throw new Error(`not every worker is ready: ${notReady.join(', ')}`);
  await takeOver.ready(steps.apps());
  steps.acceptAdopted();
  steps.moveControl();
  steps.takeLock();
  steps.writeState();
  // Both daemons accept on the HTTP listener's socket until the old one closes its copy.
  if (takeOver.http) await steps.startHttp();
  log(`took over from pid ${takeOver.oldPid}: ${takeOver.sockets.length} listening socket(s)${takeOver.http ? ', the HTTP listener' : ''}, the control socket and the pid file`);
  await takeOver.tookOver();
  if (!takeOver.http) await steps.startHttp();
}
