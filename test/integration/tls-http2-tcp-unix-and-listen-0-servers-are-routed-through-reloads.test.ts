import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

const within = <T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms).unref())]);

function httpGet(options: { port?: number; socketPath?: string; tls?: boolean }): Promise<string> {
  return within(
    new Promise((resolve, reject) => {
      const base = { host: '127.0.0.1', path: '/', agent: false as const, ...(options.socketPath ? { socketPath: options.socketPath } : { port: options.port }) };
      const req = options.tls ? httpsRequest({ ...base, rejectUnauthorized: false }) : httpRequest(base);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    }),
    'HTTP answer',
  );
}

function h2Get(port: number): Promise<string> {
  return within(
    new Promise((resolve, reject) => {
      const session = http2Connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
      session.on('error', reject);
      const stream = session.request({ ':path': '/' });
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString()));
      stream.on('end', () => {
        session.close();
        resolve(body);
      });
      stream.on('error', reject);
      stream.end();
    }),
    'HTTP/2 answer',
  );
}

function echo(port: number): Promise<string> {
  return within(
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('ping'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString());
      });
      socket.on('error', reject);
    }),
    'echo',
  );
}

t.test('HTTPS, HTTP/2, raw TCP, a unix path and listen(0) in one app answer, before and after a reload', async (t) => {
  const home = new Home(t);
  const [HTTP_PORT, HTTPS_PORT, H2_PORT, TCP_PORT] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const SOCK = join(home.dir, 'app.sock');
  const file = writeEcosystem(home, [
    { name: 'many', script: 'many-servers.cjs', instances: 2, env: { HTTP_PORT, HTTPS_PORT, H2_PORT, TCP_PORT, SOCK, OUT_DIR: home.dir } },
  ]);
  t.equal((await home.run(['start', file])).code, 0);
  const port0 = (): number[] => [...new Set(readdirSync(home.dir).filter((f) => f.startsWith('port0-')).map((f) => Number(readFileSync(join(home.dir, f), 'utf8'))))];

  const check = async (label: string): Promise<void> => {
    const pids = new Set((await home.status()).apps[0]!.workers.filter((w) => w.state === 'ready').map((w) => String(w.pid)));
    t.equal(pids.size, 2, `${label}: two ready workers`);
    for (const [what, answer] of [
      ['http', () => httpGet({ port: HTTP_PORT })],
      ['https', () => httpGet({ port: HTTPS_PORT, tls: true })],
      ['http/2', () => h2Get(H2_PORT)],
      ['unix path', () => httpGet({ socketPath: SOCK })],
    ] as const) {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(await answer());
      t.same([...seen].sort(), [...pids].sort(), `${label}: ${what} answered by both ready workers`);
    }
    t.equal(await echo(TCP_PORT), 'ping', `${label}: raw TCP echoes`);
    const ports = port0();
    t.equal(ports.length, 1, `${label}: listen(0) gave every worker the same port (${ports.join(', ')})`);
    t.ok(pids.has(await httpGet({ port: ports[0]! })), `${label}: the listen(0) port answers`);
  };
  await check('after start');
  t.equal((await home.run(['reload', 'many'])).code, 0);
  await check('after a reload');
});
