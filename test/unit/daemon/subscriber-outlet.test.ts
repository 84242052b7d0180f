import t from 'tap';
import type { WebSocket } from 'ws';
import type { DaemonEvent } from '../../../src/protocol/index.js';
import { CLOSE_TOO_SLOW, OUTLET_HIGH_WATER_BYTES, OUTLET_MAX_QUEUED_EVENTS, SubscriberOutlet } from '../../../src/daemon/subscriber-outlet.js';

/** A socket whose buffer the test fills and drains by hand: what the outlet sees of a ws. */
class HandSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Array<{ event?: string; data?: DaemonEvent }> = [];
  private readonly callbacks: Array<() => void> = [];
  closed: { code: number; reason: string } | null = null;
  send(data: string, cb: () => void): void {
    this.sent.push(JSON.parse(data));
    this.bufferedAmount += data.length;
    this.callbacks.push(cb);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.readyState = 2;
  }
  /** The kernel takes everything: every pending write completes. */
  drain(): void {
    this.bufferedAmount = 0;
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

const log = (app: string, n: number): DaemonEvent => ({ kind: 'log', at: 'x', app, worker_id: 1, revision: 1, stream: 'out', text: `line ${n}` });
const status = (n: number): DaemonEvent => ({ kind: 'status', at: String(n), status: { daemon: {} as never, apps: [] } });
const op = (n: number): DaemonEvent => ({ kind: 'operation', at: String(n), app: 'a', operation: { id: `op-${n}` } as never });

t.test('below the high-water mark every event is written at once', async (t) => {
  const ws = new HandSocket();
  const outlet = new SubscriberOutlet(ws as unknown as WebSocket, JSON.stringify);
  for (let i = 0; i < 10; i++) outlet.event(log('a', i));
  t.equal(ws.sent.length, 10);
  t.equal(outlet.droppedTotal, 0);
});

t.test('a backlogged subscriber: logs dropped and counted per app, status latest only, transitions queued in order; all said on drain', async (t) => {
  const ws = new HandSocket();
  const outlet = new SubscriberOutlet(ws as unknown as WebSocket, JSON.stringify);
  ws.bufferedAmount = OUTLET_HIGH_WATER_BYTES + 1;
  for (let i = 0; i < 1000; i++) outlet.event(log(i % 2 === 0 ? 'a' : 'b', i));
  outlet.event(status(1));
  outlet.event(op(1));
  outlet.event(status(2));
  outlet.event(op(2));
  t.equal(ws.sent.length, 0, 'nothing written while backlogged');
  t.equal(outlet.droppedTotal, 1000);
  outlet.reply({ id: 7, ok: true, result: {} });
  t.equal(ws.sent.length, 1, 'a reply is written anyway');
  ws.drain();
  const kinds = ws.sent.slice(1).map((m) => (m.data?.kind === 'log' ? `drop ${m.data.app} ${m.data.dropped}` : `${m.data?.kind} ${m.data?.at}`));
  t.same(kinds, ['operation 1', 'operation 2', 'drop a 500', 'drop b 500', 'status 2'], 'queued events in order, one drop line per app, the latest status');
});

t.test('more queued transitions than the bound close the subscriber with 4008', async (t) => {
  const ws = new HandSocket();
  const outlet = new SubscriberOutlet(ws as unknown as WebSocket, JSON.stringify);
  ws.bufferedAmount = OUTLET_HIGH_WATER_BYTES + 1;
  for (let i = 0; i <= OUTLET_MAX_QUEUED_EVENTS; i++) outlet.event(op(i));
  t.equal(ws.closed?.code, CLOSE_TOO_SLOW);
});
