/**
 * Long-lived clients for integration tests (127.0.0.1 only): WebSockets and server-sent-event
 * streams held open, each reporting how it ended.
 */
import { request } from 'node:http';
import WebSocket from 'ws';

/** A WebSocket open (its first message received); `closed` resolves with the close code (1006: cut). */
export function openWebSocket(port: number, timeoutMs = 10_000): Promise<{ closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    const timer = setTimeout(() => reject(new Error('WebSocket did not open')), timeoutMs);
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('error', () => {});
    ws.once('message', () => {
      clearTimeout(timer);
      resolve({ closed });
    });
  });
}

/** An event stream open (its first event received); `ended` resolves 'clean' or with the error code. */
export function openEventStream(port: number, timeoutMs = 10_000): Promise<{ ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('event stream did not open')), timeoutMs);
    const req = request({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      const ended = new Promise<string>((done) => {
        res.on('end', () => done('clean'));
        res.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
        res.on('aborted', () => done('aborted'));
      });
      res.once('data', () => {
        clearTimeout(timer);
        resolve({ ended });
      });
      res.resume();
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(err));
    req.end();
  });
}
