/**
 * The control socket's one plain HTTP request, `GET /api/status` (src/protocol/status-get.ts): the
 * hello's check and the `status` handler of the WebSocket methods, the JSON of the HTTP listener's
 * /api/status. Any other plain request is still told to speak WebSocket (426).
 */
import { CLIENT_VERSION_HEADER, HotctlError, PROTOCOL_HEADER, STATUS_GET_PATH, toHotctlError, UPGRADE_REQUIRED, type Params, type Result } from '../protocol/index.js';
import type { HttpStatus } from '../protocol/http-errors.js';
import type { PlainAnswer, PlainGet } from './control-websocket.js';
import { serialise } from './http-wire.js';

const REASONS: Readonly<Record<HttpStatus | 200 | typeof UPGRADE_REQUIRED, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The control server's handlers of those two methods (control-server.ts), for a request that has no connection of its own. */
export interface StatusHandlers {
  hello(params: Params<'hello'>): Promise<Result<'hello'>>;
  status(params: Params<'status'>): Promise<Result<'status'>>;
}

const json = (status: keyof typeof REASONS, body: unknown): PlainAnswer => ({ status: `${status} ${REASONS[status]}`, type: 'application/json; charset=utf-8', body: serialise(body) });

export function plainStatus(handlers: StatusHandlers, log: (line: string) => void): PlainGet {
  return async (target, headers) => {
    if (target.split('?', 1)[0] !== STATUS_GET_PATH) {
      return { status: `${UPGRADE_REQUIRED} ${REASONS[UPGRADE_REQUIRED]}`, type: 'text/plain', body: 'hotctl control socket: speak WebSocket (or GET /api/status)\n' };
    }
    try {
      const clientVersion = headers[CLIENT_VERSION_HEADER];
      const protocol = headers[PROTOCOL_HEADER];
      if (clientVersion !== undefined || protocol !== undefined) {
        if (clientVersion === undefined || protocol === undefined || !/^\d+$/.test(protocol)) {
          throw new HotctlError('E_PROTOCOL', `A status request that says hello needs both the ${CLIENT_VERSION_HEADER} header and a whole-number ${PROTOCOL_HEADER} header.`);
        }
        await handlers.hello({ client_version: clientVersion, protocol: Number(protocol) });
      }
      return json(200, await handlers.status({}));
    } catch (err) {
      const error = toHotctlError(err);
      if (error.code === 'E_INTERNAL') log(`internal error: ${String(error.details?.stack ?? error.message)}`);
      return json(error.httpStatus, { error: error.toJSON() });
    }
  };
}
