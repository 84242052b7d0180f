/**
 * Connections handed to a worker that dies before it takes them.
 *
 * Under round-robin the primary accepts each connection and sends its handle to a worker
 * (lib/internal/cluster/round_robin_handle.js `handoff`: `sendHelper(worker.process,
 * {act: 'newconn'}, handle, reply => …)`). The primary's copy is closed only in that reply's
 * callback. A worker that never replies — its event loop blocked, then killed; or a crash with
 * the message still unread — leaves the callback pending forever (primary.js drops the worker's
 * handles on exit but not the one in flight), so the connection stays open in the primary and
 * its client waits for its own timeout. We keep each handle sent until its acknowledgement
 * (`{cmd: 'NODE_CLUSTER', ack: seq}`) and close those still unacknowledged when the worker exits:
 * the client sees its connection end at once and can retry.
 */
import type { Worker } from 'node:cluster';

interface ClusterMessage {
  cmd?: unknown;
  act?: unknown;
  seq?: unknown;
  ack?: unknown;
}

interface RawHandle {
  close(): void;
}

type Send = (message: unknown, handle?: unknown, ...rest: unknown[]) => boolean;

export function guardHandoffs(worker: Worker): void {
  const proc = worker.process as unknown as { send: Send; on(event: 'internalMessage', fn: (m: unknown) => void): void };
  const pending = new Map<number, RawHandle>();
  const send = proc.send;
  proc.send = function (this: unknown, message: unknown, handle?: unknown, ...rest: unknown[]) {
    const m = message as ClusterMessage | null;
    if (handle && m?.cmd === 'NODE_CLUSTER' && m.act === 'newconn' && typeof m.seq === 'number') pending.set(m.seq, handle as RawHandle);
    return send.call(this, message, handle, ...rest);
  };
  proc.on('internalMessage', (message) => {
    const m = message as ClusterMessage | null;
    if (m?.cmd === 'NODE_CLUSTER' && typeof m.ack === 'number') pending.delete(m.ack);
  });
  worker.once('exit', () => {
    for (const handle of pending.values()) {
      try {
        handle.close();
      } catch {
        // already closed
      }
    }
    pending.clear();
  });
}
