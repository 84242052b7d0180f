/**
 * A pipelining HTTP/1.1 load for integration tests (127.0.0.1 only, bounded): each of
 * `connections` loops writes `depth` GETs in one write on its connection, then reads their
 * answers; it sends the next batch only once the whole batch is answered, and opens a new
 * connection after an answer with `Connection: close` or when the server ends the connection.
 * A request whose answer never arrives on its connection is lost.
 */
import net from 'node:net';

export interface PipelinedLoadReport {
  /** Requests written. */
  sent: number;
  /** Answers received (status 2xx). */
  answered: number;
  /** Requests written whose answer never came (connection ended or reset first). */
  lost: number;
  /** Connections that ended with an error (ECONNRESET…). */
  resets: number;
  /** Answers that were not 2xx. */
  non2xx: number;
  /** For each connection that lost requests: how many it lost, after how many answers. */
  losses: string[];
}

export interface PipelinedLoad {
  stop(): Promise<PipelinedLoadReport>;
}

/** Answers per batch read from `data`: each status line, and whether it closed the connection. */
function parseAnswers(data: string): { answers: Array<{ status: number; close: boolean }>; rest: string } {
  const answers: Array<{ status: number; close: boolean }> = [];
  let rest = data;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const head = rest.slice(0, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
    if (!Number.isFinite(length)) throw new Error(`pipelined load: an answer without content-length: ${head.slice(0, 200)}`);
    if (rest.length < headEnd + 4 + length) break;
    answers.push({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), close: /\r\nconnection: *close/i.test(head) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return { answers, rest };
}

export function pipelinedLoad(port: number, connections: number, depth: number, maxMs = 120_000): PipelinedLoad {
  const report: PipelinedLoadReport = { sent: 0, answered: 0, lost: 0, resets: 0, non2xx: 0, losses: [] };
  let running = true;
  const deadline = Date.now() + maxMs;
  const batch = Array.from({ length: depth }, (_, i) => `GET /p${i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join('');

  /** One connection's life: batches until told to close, the load stops, or the server ends it. */
  const connection = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setEncoding('latin1');
      let data = '';
      let pending = 0;
      let closing = false;
      let answeredHere = 0;
      const send = (): void => {
        if (!running || Date.now() > deadline || closing) {
          socket.end();
          return;
        }
        pending = depth;
        report.sent += depth;
        socket.write(batch);
      };
      socket.on('connect', send);
      socket.on('data', (chunk: string) => {
        data += chunk;
        const { answers, rest } = parseAnswers(data);
        data = rest;
        for (const a of answers) {
          pending--;
          answeredHere++;
          if (a.status >= 200 && a.status < 300) report.answered++;
          else report.non2xx++;
          if (a.close) closing = true;
        }
        if (pending === 0) send();
      });
      socket.on('error', () => {
        report.resets++;
      });
      socket.on('close', () => {
        if (pending > 0 && report.losses.length < 20) report.losses.push(`${pending} lost after ${answeredHere} answers`);
        report.lost += pending;
        pending = 0;
        resolve();
      });
    });

  const loops = Array.from({ length: connections }, async () => {
    while (running && Date.now() < deadline) await connection();
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
}
