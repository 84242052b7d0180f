/**
 * A raw client of the daemon's control socket for tests that speak the protocol themselves
 * (malformed requests, subscribers that stop reading): hello on open, then `call()`.
 */
import { join } from 'node:path';
import WebSocket from 'ws';
import type { DaemonEvent } from '../../src/protocol/index.js';
import { PROTOCOL_VERSION } from '../../src/protocol/index.js';
import { HOTCTL_VERSION } from '../../src/version.js';

export interface Answer {
  id: number;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string; hint: string; details?: Record<string, unknown> };
}

export class SocketClient {
  readonly events: DaemonEvent[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, (a: Answer) => void>();
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Answer & { event?: string; data?: DaemonEvent };
      if (msg.event && msg.data) this.events.push(msg.data);
      else this.pending.get(msg.id)?.(msg);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      // A call in flight is never answered once the connection is gone: it fails at once.
      for (const [id, settle] of [...this.pending]) settle({ id, ok: false, error: { code: 'E_TEST_CONNECTION_CLOSED', message: `connection closed (${code}) before the answer`, hint: '' } });
    });
    ws.on('error', () => {});
  }

  static async open(home: string): Promise<SocketClient> {
    const ws = new WebSocket(`ws+unix:${join(home, 'daemon.sock')}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new SocketClient(ws);
    const hello = await client.call('hello', { client_version: HOTCTL_VERSION, protocol: PROTOCOL_VERSION });
    if (!hello.ok) {
      client.close();
      throw new Error(`hello refused: ${JSON.stringify(hello.error)}`);
    }
    return client;
  }

  call(method: string, params: unknown, timeoutMs = 30_000): Promise<Answer> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} in ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, (a) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(a);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
