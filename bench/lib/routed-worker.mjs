// A worker of bench/lib/routed-primary.mjs: installs hotctl's worker side of the router, then
// serves the app's exported handler exactly as the app's own main does (http.createServer(handler)
// .listen(PORT, '127.0.0.1')).
import { createRequire } from 'node:module';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const { TrafficWorkerSide } = await import(fileURLToPath(new URL('../../dist/src/traffic/worker-side.js', import.meta.url)));
new TrafficWorkerSide({ app: 'bench', workerId: Number(process.env.HOTCTL_WORKER_ID), revision: 1 }).install();
const { handler } = createRequire(import.meta.url)(process.env.APP_SCRIPT);
http.createServer(handler).listen(Number(process.env.PORT), '127.0.0.1');
