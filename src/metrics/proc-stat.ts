/**
 * CPU and memory of processes read straight from Linux's /proc/<pid>/stat: one small synchronous
 * read per pid per tick, no child process, no timer, no per-read buffers or closures. What
 * pidusage computes on Linux, at a fraction of its cost for an idle daemon (its asynchronous
 * open/read/close chain per pid, /proc/uptime per tick, and the garbage they leave; measured in
 * bench/RESULTS.md, "Idle daemon").
 *
 * CPU is the share of one core since the previous read of that pid (the first read: since the
 * process started), as pidusage gives it. See proc(5) for the fields.
 */
import { readFileSync } from 'node:fs';
import type { ProcessUsage } from './tick.js';

/** USER_HZ: the unit of /proc's clock ticks, fixed at 100 in the kernel's ABI on Linux. */
const TICKS_PER_S = 100;

interface Seen {
  ticks: number;
  atNs: bigint;
}

export class ProcStat {
  private seen = new Map<number, Seen>();
  private pageSize: number | null = null;

  /** Usage of each pid that could be read; a pid that exited is absent. */
  read(pids: readonly number[]): Record<number, ProcessUsage> {
    const out: Record<number, ProcessUsage> = {};
    const seen = new Map<number, Seen>();
    let uptimeS: number | null = null;
    for (const pid of pids) {
      const fields = statFields(pid);
      if (fields === null) continue;
      const atNs = process.hrtime.bigint();
      const ticks = Number(fields[11]) + Number(fields[12]);
      const before = this.seen.get(pid);
      let cpu: number;
      if (before) {
        const seconds = Number(atNs - before.atNs) / 1e9;
        cpu = seconds > 0 ? ((ticks - before.ticks) / TICKS_PER_S / seconds) * 100 : 0;
      } else {
        uptimeS ??= Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]);
        const seconds = uptimeS - Number(fields[19]) / TICKS_PER_S;
        cpu = seconds > 0 ? (ticks / TICKS_PER_S / seconds) * 100 : 0;
      }
      seen.set(pid, { ticks, atNs });
      out[pid] = { cpu, memory: Number(fields[21]) * this.bytesPerPage() };
    }
    // Pids not asked for this time are forgotten (a worker that exited).
    this.seen = seen;
    return out;
  }

  clear(): void {
    this.seen.clear();
  }

  /** The page size, from this process's own RSS as libuv reports it in bytes and /proc in pages. */
  private bytesPerPage(): number {
    if (this.pageSize === null) {
      const pages = Number(statFields(process.pid)?.[21]);
      this.pageSize = pages > 0 ? 2 ** Math.round(Math.log2(process.memoryUsage.rss() / pages)) : 4096;
    }
    return this.pageSize;
  }
}

/** The fields of /proc/<pid>/stat after the command name (index 0 is the state), or null when the process is gone. */
function statFields(pid: number): string[] | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name, in parentheses, may itself hold spaces and parentheses.
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Whether this system has /proc/<pid>/stat (Linux). */
export function haveProcStat(): boolean {
  try {
    readFileSync(`/proc/${process.pid}/stat`);
    return true;
  } catch {
    return false;
  }
}
