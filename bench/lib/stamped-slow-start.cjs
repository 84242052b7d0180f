'use strict';
// slow-start.cjs with stamps for bench/lib/reload-probe.cjs (no-ops without it): the app's first
// line, its listen() call START_DELAY_MS (default 300) later, and its 'listening'.
globalThis.__reloadStamp?.('app-first-line');
const http = require('node:http');
const { handler } = require('../../test/fixtures/apps/http-app.cjs');

setTimeout(() => {
  globalThis.__reloadStamp?.('app-listen');
  http.createServer(handler).listen(Number(process.env.PORT || 3000), '127.0.0.1', () => globalThis.__reloadStamp?.('app-listening'));
}, Number(process.env.START_DELAY_MS || 300));
