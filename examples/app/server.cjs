// The bundled example app: a small HTTP service run by ecosystem.example.json.
// hotctl reports it ready as soon as it listens; try `hotctl reload example` under load.
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const startedAt = new Date().toISOString();

const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      message: process.env.MESSAGE || 'hello from hotctl',
      pid: process.pid,
      instance: process.env.NODE_APP_INSTANCE,
      revision: process.env.HOTCTL_REVISION,
      started_at: startedAt,
      path: req.url,
    }) + '\n',
  );
});

server.listen(port, '127.0.0.1', () => {
  console.log(`example: worker ${process.env.NODE_APP_INSTANCE} (pid ${process.pid}) listening on http://127.0.0.1:${port}`);
});
