/**
 * The daemon's signals: SIGTERM and SIGINT stop it (every app drained first, shutdown.ts);
 * SIGHUP reloads every app (a container's orchestrator, `systemctl reload`).
 */

/** What SIGHUP reloads: an app that refuses (an operation in progress…) is logged, the others go on. */
export interface Reloadable {
  name: string;
  begin(kind: 'reload', options: { wait: boolean }): Promise<unknown>;
}

export function reloadEveryApp(apps: readonly Reloadable[], log: (line: string) => void): void {
  log('SIGHUP: reloading every app');
  for (const app of apps) void app.begin('reload', { wait: true }).catch((err: Error) => log(`reload of ${app.name} refused: ${err.message}`));
}

/** Installs the handlers; the returned function removes them (the last phase of a shutdown). */
export function handleSignals(on: { stop(signal: NodeJS.Signals): void; reload(): void }): () => void {
  const onTerm = (signal: NodeJS.Signals) => on.stop(signal);
  const onHup = () => on.reload();
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  process.on('SIGHUP', onHup);
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onTerm);
    process.off('SIGHUP', onHup);
  };
}
