/**
 * CPU and memory of worker processes from the OS: one `pidusage` call for every pid of a tick.
 */
import pidusage from 'pidusage';
import type { ProcessUsage } from './tick.js';

/** Usage of each pid that could be read; a pid that exited is simply absent. */
export type UsageFn = (pids: number[]) => Promise<Record<number, ProcessUsage>>;

/**
 * The default {@link UsageFn}. pidusage reads all pids in parallel and, with more than one,
 * leaves out a pid it cannot read (the process just exited) instead of failing; with a single
 * pid it rejects, so that case is mapped to "absent" here.
 */
export const pidUsage: UsageFn = async (pids) => {
  if (pids.length === 0) return {};
  let stats: Record<string, pidusage.Status | undefined>;
  try {
    // A copy: pidusage rewrites the array it is given.
    stats = await pidusage([...pids]);
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
};

/**
 * Forgets pidusage's per-pid history and stops its expiry timer, so nothing of it keeps the
 * process alive after the sampler stops.
 */
export function clearUsageHistory(): void {
  pidusage.clear();
}

function isGone(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | null;
  // On Linux pidusage passes fs errors through; with `ps` (macOS, BSD) it says so in words.
  return e?.code === 'ENOENT' || e?.code === 'ESRCH' || /no matching pid/i.test(String(e?.message));
}
