/** docs/protocol.md documents every method, parameter, topic, event kind and state of src/protocol. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import ts from 'typescript';
import { checkParams, splitAfterHello } from '../../src/daemon/request-check.js';
import { APP_STATUSES, EVENT_TOPIC, isMethod, METHODS, OPERATION_KINDS, OPERATION_STATES, PROTOCOL_VERSION, RELOAD_STRATEGIES, REVISION_OUTCOMES, SUBSCRIPTION_TOPICS, WORKER_STATES } from '../../src/protocol/index.js';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/protocol.md', root), 'utf8');

/** The text of each `### ` section, by heading. */
function sections(): Array<{ heading: string; body: string }> {
  return doc
    .split(/^(?=### )/m)
    .slice(1)
    .map((part) => {
      const [heading = '', ...rest] = part.split('\n');
      return { heading, body: rest.join('\n').split(/^## /m)[0]! };
    });
}

/** Each method's parameter names, read from the `Methods` interface of src/protocol/control.ts. */
function paramsOfMethods(): Map<string, string[]> {
  const source = ts.createSourceFile('control.ts', readFileSync(new URL('src/protocol/control.ts', root), 'utf8'), ts.ScriptTarget.Latest, true);
  const methods = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Methods');
  const out = new Map<string, string[]>();
  for (const member of methods?.members ?? []) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeLiteralNode(member.type)) continue;
    const params = member.type.members.find((m) => m.name?.getText(source) === 'params');
    const type = params && ts.isPropertySignature(params) ? params.type : undefined;
    const names = type && ts.isTypeLiteralNode(type) ? type.members.map((m) => m.name!.getText(source)) : [];
    out.set(member.name.getText(source), names);
  }
  return out;
}

t.test('every method has a section with an example request', async (t) => {
  for (const method of METHODS) {
    t.match(doc, new RegExp(`^### .*\`${method}\``, 'm'), `a section for ${method}`);
    t.match(doc, new RegExp(`"method": "${method}"`), `an example request of ${method}`);
  }
});

t.test("every parameter of every method is named in the method's section", async (t) => {
  const params = paramsOfMethods();
  t.same([...params.keys()].sort(), [...METHODS].sort(), 'read every method of control.ts');
  const all = sections();
  for (const method of METHODS) {
    const body = all.filter((s) => s.heading.includes(`\`${method}\``)).map((s) => s.body).join('\n');
    for (const name of params.get(method)!) t.ok(body.includes(`\`${name}\``) || body.includes(`"${name}"`), `${method}: "${name}" documented`);
  }
});

t.test('every complete example request is one the daemon accepts', async (t) => {
  let checked = 0;
  for (const line of doc.split('\n')) {
    if (!/^\{"id": \d+, "method"/.test(line) || line.includes('…')) continue;
    const request = JSON.parse(line) as { id: number; method: string; params: unknown };
    t.ok(isMethod(request.method) || request.method === 'frobnicate', `${request.method} is a method (or the unknown-method example)`);
    if (!isMethod(request.method)) continue;
    if (request.method === 'scale' && (request.params as { instances: number }).instances === 0) {
      t.throws(() => checkParams('scale', request.params), { code: 'E_PROTOCOL' }, 'the malformed example is refused');
      continue;
    }
    t.doesNotThrow(() => checkParams(request.method as never, splitAfterHello(request.params).params), line);
    checked++;
  }
  t.ok(checked >= METHODS.length - 2, `${checked} example requests checked`);
});

t.test('every topic and event kind has an example message', async (t) => {
  for (const topic of SUBSCRIPTION_TOPICS) t.match(doc, new RegExp(`^### \`${topic}\``, 'm'), `a section for topic ${topic}`);
  for (const kind of Object.keys(EVENT_TOPIC)) t.match(doc, new RegExp(`\\{"event": "${kind}", "data": \\{"kind": "${kind}"`), `an example ${kind} event`);
});

t.test('states and the protocol version are the current ones', async (t) => {
  for (const state of WORKER_STATES) t.match(doc, `\`${state}\``, `worker state ${state}`);
  for (const state of OPERATION_STATES) t.match(doc, `\`${state}\``, `operation state ${state}`);
  for (const status of APP_STATUSES) t.match(doc, `\`${status}\``, `app status ${status}`);
  for (const kind of OPERATION_KINDS) t.match(doc, `\`${kind}\``, `operation kind ${kind}`);
  for (const outcome of REVISION_OUTCOMES) t.match(doc, `\`${outcome}\``, `revision outcome ${outcome}`);
  for (const strategy of RELOAD_STRATEGIES) t.match(doc, `\`${strategy}\``, `reload strategy ${strategy}`);
  t.match(doc, `"protocol": ${PROTOCOL_VERSION}`);
});
