/**
 * The status in one plain HTTP request on the control socket (docs/protocol.md, "Status over plain
 * HTTP"): `GET /api/status`, answered with the `status` method's result as JSON, and the
 * connection closed; the path and body of the HTTP listener's /api/status. The hello's two facts
 * ride as headers: when both are there, the daemon checks them as it checks a hello, and answers
 * its refusal instead (the error's HTTP status; body `{"error": ErrorPayload}`). Without them
 * (`curl --unix-socket`) nothing is checked. `hotctl status` asks this way: one write and one
 * answer, without a WebSocket handshake, frames and JSON-RPC around a single question
 * (bench/RESULTS.md, section 37).
 */
export const STATUS_GET_PATH = '/api/status';

/** The hello's `client_version` and `protocol`, as request headers (lower case, as parsed). */
export const CLIENT_VERSION_HEADER = 'hotctl-client-version';
export const PROTOCOL_HEADER = 'hotctl-protocol';

/** What a daemon older than this request answers it (it speaks WebSocket only): the CLI asks over the WebSocket then. */
export const UPGRADE_REQUIRED = 426;
