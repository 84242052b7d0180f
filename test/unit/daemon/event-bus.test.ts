import t from 'tap';
import type { DaemonEvent, SubscriptionTopic } from '../../../src/protocol/index.js';
import { EventBus } from '../../../src/daemon/event-bus.js';

const statusEvent = (): DaemonEvent => ({ kind: 'status', at: new Date().toISOString(), status: { daemon: {} as never, apps: [] } });
const logEvent = (app: string): DaemonEvent => ({ kind: 'log', at: '', app, worker_id: 1, revision: 1, stream: 'out', text: 'x' });

function subscriber(topics: SubscriptionTopic[]) {
  const got: DaemonEvent[] = [];
  return { got, wants: (topic: SubscriptionTopic) => topics.includes(topic), deliver: (e: DaemonEvent) => void got.push(e) };
}

t.test('every subscriber is offered every event; wants() is the union of what they want', async (t) => {
  const bus = new EventBus(statusEvent);
  const a = subscriber(['logs']);
  const b = subscriber(['metrics']);
  bus.add(a);
  const leaveB = bus.add(b);
  t.ok(bus.wants('logs'));
  t.ok(bus.wants('metrics'));
  t.notOk(bus.wants('status'));
  bus.publish(logEvent('api'));
  t.equal(a.got.length, 1);
  t.equal(b.got.length, 1, 'offered: the subscriber filters');
  leaveB();
  t.notOk(bus.wants('metrics'), 'gone once removed');
  bus.publish(logEvent('api'));
  t.equal(b.got.length, 1);
  t.equal(bus.size, 1);
});

t.test('a subscriber that leaves while an event is delivered does not stop the others getting it', async (t) => {
  const bus = new EventBus(statusEvent);
  const got: string[] = [];
  let leaveFirst = () => {};
  leaveFirst = bus.add({ wants: () => true, deliver: () => (got.push('first'), leaveFirst()) });
  bus.add({ wants: () => true, deliver: () => void got.push('second') });
  bus.publish(logEvent('api'));
  t.same(got, ['first', 'second']);
});

t.test('status changes are coalesced into one snapshot, and none is built when nobody wants status', async (t) => {
  let built = 0;
  const bus = new EventBus(() => (built++, statusEvent()), 1);
  bus.statusChanged();
  t.equal(built, 0, 'nobody wants status: no timer');
  const s = subscriber(['status']);
  let first!: () => void;
  const arrived = new Promise<void>((resolve) => (first = resolve));
  bus.add({ wants: s.wants, deliver: (e) => (s.deliver(e), first()) });
  for (let i = 0; i < 16; i++) bus.statusChanged();
  // The bus's timer is unref'd (an idle daemon must not be kept up by it): hold the test's loop open.
  const hold = setTimeout(() => {}, 10_000);
  await arrived;
  clearTimeout(hold);
  t.equal(built, 1, 'sixteen changes, one snapshot');
  t.equal(s.got.length, 1);
  t.equal(s.got[0]!.kind, 'status');
});
