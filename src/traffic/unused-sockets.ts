/**
 * Which routed sockets of an app no worker listens on any more (docs/traffic.md, "Ownership and
 * lifetime of a socket"). Once the app's operation has ended (its revision committed, or a failed
 * reload rolled back), a socket that none of its live workers listens on — no active, canary or
 * parked worker, whatever its revision — while some other of its workers does listen elsewhere
 * (the app moved: it is not just between two workers) only queues connections that would time
 * out: the router closes it. An app none of whose workers listens anywhere (all restarting after
 * a crash) keeps every socket.
 */
export interface SocketView {
  readonly app: string;
  /** How many live workers listen on it. */
  readonly listeners: number;
}

/** The keys of `app`'s sockets to close now. */
export function unusedSockets(app: string, sockets: ReadonlyMap<string, SocketView>): string[] {
  const own = [...sockets].filter(([, s]) => s.app === app);
  if (!own.some(([, s]) => s.listeners > 0)) return [];
  return own.filter(([, s]) => s.listeners === 0).map(([key]) => key);
}
