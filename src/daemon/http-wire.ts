/** What the HTTP listener writes and reads on the wire, bounded and without secrets; and its bind. */
import type { IncomingMessage, Server } from 'node:http';
import { HotctlError } from '../protocol/index.js';

/** Every JSON body and ws message goes through this: no `env` (nor `inherited_env`) key is ever written. */
export function serialise(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'env' || key === 'inherited_env' ? undefined : v));
}

/** Reads and discards the body; false when it is larger than `limit` (then the request is cut). */
export function readBounded(req: IncomingMessage, limit: number): Promise<boolean> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(false);
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve(size <= limit));
    req.once('error', () => resolve(false));
  });
}

/**
 * Listens on host:port; resolves with the port bound (0 picks one). A taken port is E_PORT_IN_USE.
 * `adopted`: the previous daemon's listening handle (`hotctl update`), listened on instead of binding.
 */
export function listenOn(server: Server, host: string, port: number, adopted: object | null = null): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new HotctlError('E_PORT_IN_USE', `The HTTP listener's port ${host}:${port} is taken.`, {
            hint: 'Set HOTCTL_HTTP_PORT to a free port, or to 0 to turn the HTTP listener off.',
            details: { host, port },
          }),
        );
      } else reject(err);
    };
    server.once('error', onError);
    const listening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    if (adopted) server.listen(adopted, listening);
    else server.listen(port, host, listening);
  });
}
