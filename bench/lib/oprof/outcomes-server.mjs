// A worker without the daemon, for instruction counts (bench/RESULTS.md 27): the fixture app's
// handler on a plain http server with the runtime's ServerRegistry installed, as the worker
// runtime installs it. The built code comes from OPROF_DIST (a checkout's dist/, so that two
// builds run with the same argv: the fixture answers with its argv).
//
//   OPROF_DIST=<checkout>/dist node outcomes-server.mjs <port> <outcomes|counting>
import http from 'node:http';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [port, mode] = process.argv.slice(2);
const { ServerRegistry } = await import(join(process.env.OPROF_DIST, 'src', 'runtime', 'servers.js'));
const registry = new ServerRegistry(() => {}, { countRequests: true, countOutcomes: mode !== 'counting' });
registry.install();
// What the runtime's reports read, once a second.
setInterval(() => [registry.outcomes, registry.requestsServed, registry.requestsInFlight, registry.connectionsOpen], 1000);
const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'apps', 'http-app.cjs');
const { handler } = createRequire(import.meta.url)(fixture);
http.createServer(handler).listen(Number(port), '127.0.0.1', () => console.log('up'));
process.on('SIGINT', () => process.exit(0));
