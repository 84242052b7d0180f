/** The container examples agree with hotctl: the command, the signals, the probe paths and port. */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_HTTP_PORT, HttpServer, type HttpServerOptions } from '../../src/daemon/http-server.js';
import { HotctlError } from '../../src/protocol/index.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

const dockerfile = read('examples/Dockerfile');
const docs = parseAllDocuments(read('examples/kubernetes/deployment.yaml')).map((d) => d.toJS());
const deployment = docs.find((d) => d.kind === 'Deployment');
const service = docs.find((d) => d.kind === 'Service');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const podEnv: Record<string, string> = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));

/** The Dockerfile's ENV settings (`ENV A=1 \` continued over lines, comment lines skipped). */
function dockerEnv(): Record<string, string> {
  const lines = dockerfile.split('\n').filter((l) => !/^\s*#/.test(l));
  const env: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('ENV ')) continue;
    let text = lines[i]!.slice(4);
    while (text.trimEnd().endsWith('\\')) text = `${text.trimEnd().slice(0, -1)} ${lines[++i] ?? ''}`;
    for (const m of text.matchAll(/([A-Z_]+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  }
  return env;
}

t.test('Dockerfile: hotctl run as PID 1 in exec form, SIGTERM to stop, not root', async (t) => {
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  t.ok(cmd, 'a CMD line in exec form (JSON)');
  const argv = JSON.parse(cmd![1]!) as string[];
  t.same(argv.slice(0, 4), ['node', 'node_modules/hotctl/bin/hotctl', 'run', 'ecosystem.json'], 'hotctl run, with no shell in between: it gets the signals itself');
  t.match(dockerfile, /^FROM node:20-slim$/m);
  t.match(dockerfile, /^RUN npm ci --omit=dev/m);
  t.match(dockerfile, /^STOPSIGNAL SIGTERM$/m);
  t.match(dockerfile, /^USER node$/m, 'not root');
  const env = dockerEnv();
  t.equal(env.HOTCTL_HTTP_PORT, String(DEFAULT_HTTP_PORT), "the HTTP listener's default port");
  t.match(dockerfile, new RegExp(`^EXPOSE .*\\b${DEFAULT_HTTP_PORT}\\b`, 'm'));
  t.equal(env.HOTCTL_HTTP_HOST, '0.0.0.0', 'probes come from the node, not from loopback');
  t.equal(env.HOTCTL_HTTP_ALLOW_REMOTE, '1', 'a non-loopback listener needs the explicit opt-in');
  t.notOk(env.HOTCTL_HTTP_TOKEN, 'no token: no action possible over HTTP');
});

t.test('Kubernetes: probes on hotctl paths and port, grace period past the drain, surge rollout', async (t) => {
  t.ok(deployment && service, 'a Deployment and a Service');
  const port = (name: string) => container.ports.find((p: { name: string }) => p.name === name).containerPort;
  t.equal(port('hotctl'), DEFAULT_HTTP_PORT, "the HTTP listener's default port");
  t.same(podEnv, { HOTCTL_HTTP_HOST: '0.0.0.0', HOTCTL_HTTP_ALLOW_REMOTE: '1', HOTCTL_HTTP_PORT: String(DEFAULT_HTTP_PORT) }, 'the same listener settings as the image');
  t.same(container.readinessProbe.httpGet, { path: '/readyz', port: 'hotctl' });
  t.same(container.livenessProbe.httpGet, { path: '/healthz', port: 'hotctl' });
  // The example app's kill_timeout bounds its drain; the grace period must outlast it.
  const apps = JSON.parse(read('ecosystem.example.json')).apps as Array<{ kill_timeout?: number }>;
  const drainMs = Math.max(...apps.map((a) => a.kill_timeout ?? 5000));
  const preStop = container.lifecycle.preStop.exec.command as string[];
  t.equal(preStop[0], 'sleep', 'preStop: wait for the endpoints to drop the pod before SIGTERM');
  const preStopMs = Number(preStop[1]) * 1000;
  t.ok(pod.terminationGracePeriodSeconds * 1000 > preStopMs + drainMs, `terminationGracePeriodSeconds (${pod.terminationGracePeriodSeconds} s) outlasts preStop and the drain (${preStopMs} + ${drainMs} ms)`);
  t.same(deployment.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  t.ok(container.resources?.requests?.cpu && container.resources?.limits?.memory, 'resources requested and limited');
  t.equal(service.spec.ports[0].targetPort, 'http', 'the Service exposes the app, not the dashboard');
  t.same(service.spec.selector, deployment.spec.selector.matchLabels, 'the Service selects the pods');
});

/** GET path with the Host header a kubelet sends: the pod's IP and the container port. */
function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `10.244.1.17:${DEFAULT_HTTP_PORT}`, 'user-agent': 'kube-probe/1.30' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The listener as the daemon builds it from the container's environment (port 0 in tests). */
async function listener(t: { teardown(fn: () => unknown): void }, env: Record<string, string | undefined>, ready: { ready: boolean }): Promise<number> {
  const options: HttpServerOptions = {
    host: env.HOTCTL_HTTP_HOST || '127.0.0.1',
    allowRemote: env.HOTCTL_HTTP_ALLOW_REMOTE === '1',
    port: 0,
    token: env.HOTCTL_HTTP_TOKEN || null,
    status: () => {
      throw new HotctlError('E_INTERNAL', 'not used');
    },
    metricsText: () => '',
    history: () => ({}),
    ready: () => ({ ready: ready.ready, apps: [{ name: 'api', ready: ready.ready ? 2 : 1, wanted: 2 }] }),
    subscribe: () => () => {},
  };
  const server = new HttpServer(options);
  const url = await server.listen();
  t.teardown(() => server.close());
  return Number(new URL(url).port);
}

t.test("the kubelet's probes reach /healthz and /readyz with the example's settings, and only with them", async (t) => {
  const ready = { ready: false };
  const port = await listener(t, podEnv, ready);
  t.equal(await probe(port, container.livenessProbe.httpGet.path), 200, 'liveness: the supervisor answers');
  t.equal(await probe(port, container.readinessProbe.httpGet.path), 503, 'readiness: not while a worker is missing');
  ready.ready = true;
  t.equal(await probe(port, container.readinessProbe.httpGet.path), 200, 'readiness: every worker ready');

  const loopbackOnly = await listener(t, {}, ready);
  t.equal(await probe(loopbackOnly, '/healthz'), 403, 'the default listener refuses a Host that is not loopback: hence the opt-in');
});
