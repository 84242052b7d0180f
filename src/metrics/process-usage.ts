/**
 * CPU and memory of worker processes from the OS, for every pid of a tick at once: on Linux
 * straight from /proc (proc-stat.ts), elsewhere one `pidusage` call (loaded only there).
 */
import type { ProcessUsage } from './tick.js';
import { haveProcStat, ProcStat } from './proc-stat.js';

/**
 * Usage of each pid that could be read; a pid that exited is simply absent. Synchronous or not:
 * the sampler's tick stays synchronous when it is. `pids` is the caller's array, valid during the
 * call only.
 */
export type UsageFn = (pids: number[]) => Record<number, ProcessUsage> | Promise<Record<number, ProcessUsage>>;

type Pidusage = typeof import('pidusage');
let procStat: ProcStat | null | undefined;
let pidusageModule: Pidusage | undefined;

/**
 * The default {@link UsageFn}: synchronous with /proc (Linux). With pidusage (not Linux), all pids are read in parallel and, with
 * more than one, a pid it cannot read (the process just exited) is left out instead of failing;
 * with a single pid it rejects, so that case is mapped to "absent" here.
 */
export const pidUsage: UsageFn = (pids) => {
  procStat ??= haveProcStat() ? new ProcStat() : null;
  // /proc: read synchronously (a few microseconds per pid), no promise.
  if (procStat) return procStat.read(pids);
  return pidusageOf(pids);
};

async function pidusageOf(pids: number[]): Promise<Record<number, ProcessUsage>> {
  if (pids.length === 0) return {};
  pidusageModule ??= (await import('pidusage')).default;
  let stats: Record<string, import('pidusage').Status | undefined>;
  try {
    // A copy: pidusage rewrites the array it is given.
    stats = await pidusageModule([...pids]);
  } catch (err) {
    if (pids.length === 1 && isGone(err)) return {};
    throw err;
  }
  const out: Record<number, ProcessUsage> = {};
  for (const pid of pids) {
    const s = stats[pid];
    if (s && Number.isFinite(s.cpu) && Number.isFinite(s.memory)) out[pid] = { cpu: s.cpu, memory: s.memory };
  }
  return out;
}

/**
 * Forgets the per-pid history (and stops pidusage's expiry timer where it is used), so nothing
 * of it keeps the process alive after the sampler stops.
 */
export function clearUsageHistory(): void {
  procStat?.clear();
  pidusageModule?.clear();
}

function isGone(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | null;
  // On Linux pidusage passes fs errors through; with `ps` (macOS, BSD) it says so in words.
  return e?.code === 'ENOENT' || e?.code === 'ESRCH' || /no matching pid/i.test(String(e?.message));
}
