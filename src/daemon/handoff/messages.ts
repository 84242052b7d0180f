/**
 * The IPC between the running daemon and the daemon that replaces it (`hotctl update`), over the
 * channel of the child the old daemon spawns. The sequence (docs/traffic.md, "Handing over to a
 * new daemon"):
 *
 *   new → old   hello        (its channel listens: messages sent earlier could be lost)
 *   old → new   socket × n (each with its listening handle), http (the HTTP listener's, if any), sockets-done
 *   new → old   ready        every app restored on its revision, every wanted worker ready
 *   old → new   go
 *   new → old   took-over    the new one accepts on the sockets and the HTTP listener, owns daemon.sock and the pid file
 *   old → new   http-free    the old one closed its copies (its HTTP listener's too); then it drains and exits
 *   new → old   failed       (any time before took-over) the cause; the new one exits
 */
import type { ListenQuery } from '../../protocol/traffic-ipc.js';

/** Set in the new daemon's env by the old one: "1" means "wait for the sockets on the IPC channel". */
export const HANDOFF_ENV = 'HOTCTL_HANDOFF';

export const HANDOFF_CMD = 'hotctl-handoff';

export type OldToNew =
  | { cmd: typeof HANDOFF_CMD; act: 'socket'; key: string; app: string; query: ListenQuery }
  | { cmd: typeof HANDOFF_CMD; act: 'http'; host: string; port: number }
  | { cmd: typeof HANDOFF_CMD; act: 'sockets-done'; old_pid: number; count: number; timeout_ms: number }
  | { cmd: typeof HANDOFF_CMD; act: 'go' }
  | { cmd: typeof HANDOFF_CMD; act: 'http-free' };

export type NewToOld =
  | { cmd: typeof HANDOFF_CMD; act: 'hello' }
  | { cmd: typeof HANDOFF_CMD; act: 'ready'; apps: string[] }
  | { cmd: typeof HANDOFF_CMD; act: 'took-over' }
  | { cmd: typeof HANDOFF_CMD; act: 'failed'; code: string; message: string };

export function isHandoffMessage(message: unknown): message is { cmd: typeof HANDOFF_CMD; act: string } {
  return typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === HANDOFF_CMD;
}
