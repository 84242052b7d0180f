import t from 'tap';
import { unusedSockets, type SocketView } from '../../../src/traffic/unused-sockets.js';

const sockets = (entries: Array<[string, string, number]>): Map<string, SocketView> => new Map(entries.map(([key, app, listeners]) => [key, { app, listeners }]));

t.test('the app moved: the socket nobody listens on is unused, the others are kept', async (t) => {
  t.same(unusedSockets('api', sockets([['A', 'api', 0], ['B', 'api', 2], ['C', 'web', 0]])), ['A'], "only the app's own, only the empty one");
});

t.test('no worker of the app listens anywhere (all restarting): nothing is closed', async (t) => {
  t.same(unusedSockets('api', sockets([['A', 'api', 0], ['B', 'api', 0]])), []);
});

t.test('every socket has a listener: nothing is closed', async (t) => {
  t.same(unusedSockets('api', sockets([['A', 'api', 1], ['B', 'api', 3]])), []);
});
