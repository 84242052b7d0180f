/**
 * Who may talk to the HTTP listener (see the diagram in http-server.ts): the Host and Origin
 * checks that stop DNS rebinding and foreign pages, and the token gate of the actions, with
 * its limit on wrong guesses.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { AttemptLimiter } from './attempt-limiter.js';

/** Where the listener is: its configured host, the port it got, and whether remote hosts are allowed. */
export interface ListenerAddress {
  host: string;
  port: number;
  allowRemote: boolean;
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** The Host header values that name this listener on loopback. */
function loopbackHosts(at: ListenerAddress): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', hostForUrl(at.host).toLowerCase()]);
  const out = new Set<string>();
  for (const name of names) {
    out.add(`${name}:${at.port}`);
    if (at.port === 80) out.add(name);
  }
  return out;
}

/** On loopback, the Host header must name a loopback host and our port (or be absent: not a browser). */
export function hostAllowed(req: IncomingMessage, at: ListenerAddress): boolean {
  if (at.allowRemote) return true;
  const host = req.headers.host;
  return host === undefined || loopbackHosts(at).has(host.toLowerCase());
}

/** A ws upgrade's Origin, when there is one, must be the listener's own. */
export function originAllowed(req: IncomingMessage, at: ListenerAddress): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const allowed = new Set([...loopbackHosts(at)].map((h) => `http://${h}`));
  if (at.allowRemote && req.headers.host !== undefined) {
    allowed.add(`http://${req.headers.host.toLowerCase()}`);
    allowed.add(`https://${req.headers.host.toLowerCase()}`);
  }
  return allowed.has(origin.toLowerCase());
}

/** Why the token gate refused, with the headers that go with it. */
export type TokenRefusal = { reason: 'actions_disabled' } | { reason: 'too_many_attempts' | 'token_required' | 'token_invalid'; headers?: Record<string, string> };

/** Actions need `Authorization: Bearer <token>`; an address that guesses wrong too often waits. */
export class TokenGate {
  private readonly digest: Buffer | null;
  private readonly attempts = new AttemptLimiter();

  /** With a null token no action is possible at all. */
  constructor(token: string | null) {
    this.digest = token === null ? null : sha256(token);
  }

  /** null: let it through. */
  check(req: IncomingMessage): TokenRefusal | null {
    if (this.digest === null) return { reason: 'actions_disabled' };
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = this.attempts.retryAfterSec(address);
    if (wait > 0) return { reason: 'too_many_attempts', headers: { 'retry-after': String(wait) } };
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!auth) {
      this.attempts.failed(address);
      return { reason: 'token_required', headers: { 'www-authenticate': 'Bearer realm="hotctl"' } };
    }
    if (!timingSafeEqual(sha256(auth[1]!), this.digest)) {
      this.attempts.failed(address);
      return { reason: 'token_invalid' };
    }
    return null;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
