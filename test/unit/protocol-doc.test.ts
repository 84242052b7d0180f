/** docs/protocol.md documents every method, topic, event kind and state of src/protocol. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { EVENT_TOPIC, METHODS, OPERATION_STATES, PROTOCOL_VERSION, SUBSCRIPTION_TOPICS, WORKER_STATES } from '../../src/protocol/index.js';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

t.test('every method has a section with an example request', async (t) => {
  for (const method of METHODS) {
    t.match(doc, new RegExp(`^### .*\`${method}\``, 'm'), `a section for ${method}`);
    t.match(doc, new RegExp(`"method": "${method}"`), `an example request of ${method}`);
  }
});

t.test('every topic and event kind has an example message', async (t) => {
  for (const topic of SUBSCRIPTION_TOPICS) t.match(doc, new RegExp(`^### \`${topic}\``, 'm'), `a section for topic ${topic}`);
  for (const kind of Object.keys(EVENT_TOPIC)) t.match(doc, new RegExp(`\\{"event": "${kind}", "data": \\{"kind": "${kind}"`), `an example ${kind} event`);
});

t.test('states and the protocol version are the current ones', async (t) => {
  for (const state of WORKER_STATES) t.match(doc, `\`${state}\``, `worker state ${state}`);
  for (const state of OPERATION_STATES) t.match(doc, `\`${state}\``, `operation state ${state}`);
  t.match(doc, `"protocol": ${PROTOCOL_VERSION}`);
});
