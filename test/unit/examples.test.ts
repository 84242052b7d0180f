/** The container examples agree with hotctl: the command, the signals, the probe paths and port. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseAllDocuments } from 'yaml';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

t.test('Dockerfile: hotctl run as PID 1 in exec form, SIGTERM to stop, probes reachable', async (t) => {
  const dockerfile = read('examples/Dockerfile');
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  t.ok(cmd, 'a CMD line');
  const argv = JSON.parse(cmd![1]!) as string[];
  t.same(argv.slice(0, 4), ['node', 'node_modules/hotctl/bin/hotctl', 'run', 'ecosystem.json'], 'exec form: hotctl gets the signals itself');
  t.match(dockerfile, /^STOPSIGNAL SIGTERM$/m);
  t.match(dockerfile, /HOTCTL_HTTP_HOST=0\.0\.0\.0/);
  t.match(dockerfile, /HOTCTL_HTTP_ALLOW_REMOTE=1/, 'a non-loopback listener needs the explicit opt-in');
  t.match(dockerfile, /^USER node$/m, 'not root');
});

t.test('Kubernetes: probes on hotctl paths and port, grace period past the drain, surge rollout', async (t) => {
  const docs = parseAllDocuments(read('examples/kubernetes/deployment.yaml')).map((d) => d.toJS());
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const service = docs.find((d) => d.kind === 'Service');
  t.ok(deployment && service, 'a Deployment and a Service');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const port = (name: string) => container.ports.find((p: { name: string }) => p.name === name).containerPort;
  t.equal(port('hotctl'), 9716, 'the HTTP listener\'s default port');
  const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  t.equal(env.HOTCTL_HTTP_PORT, '9716');
  t.equal(env.HOTCTL_HTTP_ALLOW_REMOTE, '1');
  t.same(container.readinessProbe.httpGet, { path: '/readyz', port: 'hotctl' });
  t.same(container.livenessProbe.httpGet, { path: '/healthz', port: 'hotctl' });
  // The example app's kill_timeout (5 s) plus drain_grace (1 s) must fit in the grace period.
  const app = JSON.parse(read('ecosystem.example.json')).apps[0];
  t.ok(pod.terminationGracePeriodSeconds * 1000 > app.kill_timeout + 1000, 'terminationGracePeriodSeconds outlasts the drain');
  t.same(deployment.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  t.equal(service.spec.ports[0].targetPort, 'http', 'the Service exposes the app, not the dashboard');
});
