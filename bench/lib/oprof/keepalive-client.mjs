// Exactly `warm` then `n` GETs over `conc` keep-alive connections kept open throughout (new
// connections make V8 deoptimize and recompile parts of node:http inside the counted window);
// callgrind's instrumentation of process `vgpid` is on for the `n` only.
//
//   node keepalive-client.mjs <port> <vgpid> <warm> <n> [conc=8]
import http from 'node:http';
import { execFileSync } from 'node:child_process';

const [port, vgpid, warm, n, conc = 8] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
let failed = 0;
function phase(count) {
  let sent = 0;
  let done = 0;
  return new Promise((resolve) => {
    const next = () => {
      if (++done === count) resolve();
      else one();
    };
    const one = () => {
      if (sent >= count) return;
      sent++;
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          if (res.statusCode !== 200) failed++;
          res.resume();
          res.on('end', next);
        })
        .on('error', () => {
          failed++;
          next();
        });
    };
    for (let i = 0; i < conc; i++) one();
  });
}
await phase(warm);
// Compile jobs queued by the warm-up land before the window opens.
await new Promise((r) => setTimeout(r, 3000));
execFileSync('callgrind_control', ['-i', 'on', String(vgpid)]);
await phase(n);
execFileSync('callgrind_control', ['-i', 'off', String(vgpid)]);
agent.destroy();
console.log(`failed ${failed}`);
