import t from 'tap';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ControlPlane } from '../../../src/daemon/control-plane.js';
import { CONNECTIONS_MIN } from '../../../src/daemon/connection-cap.js';

const socket = () => Object.assign(new EventEmitter(), { destroy() {} }) as unknown as Socket;

t.test('the budget is logged once, and each listener gets its cap', async (t) => {
  const lines: string[] = [];
  const plane = new ControlPlane((l) => lines.push(l), 64);
  t.equal(lines.length, 1);
  t.match(lines[0], /^file descriptors: limit 64; control socket ≤ 8 connections, HTTP ≤ 8/);
  t.equal(plane.socketCap.max, CONNECTIONS_MIN);
  t.equal(plane.httpCap.max, CONNECTIONS_MIN);
  t.equal(plane.notice, null);
});

t.test('a cap that closes connections sets the notice (logged once a minute at most); info sums both listeners', async (t) => {
  const lines: string[] = [];
  const plane = new ControlPlane((l) => lines.push(l), 64);
  for (let i = 0; i < CONNECTIONS_MIN + 2; i++) plane.socketCap.admit(socket());
  plane.httpCap.admit(socket());
  t.match(plane.notice, /^Connection cap reached: 2 control connection\(s\) closed/);
  t.equal(lines.length, 2, 'the budget line, and the notice once');
  t.same(plane.info({ connections: 8, buffered_bytes: 10, dropped_log_lines: 3 }, { connections: 1, buffered_bytes: 5, dropped_log_lines: 0 }), {
    limits: plane.budget,
    socket_connections: CONNECTIONS_MIN,
    http_connections: 1,
    evicted_connections: 2,
    buffered_bytes: 15,
    dropped_log_lines: 3,
  });
  t.match(plane.info(null, null), { buffered_bytes: 0, dropped_log_lines: 0 }, 'listeners off');
});
