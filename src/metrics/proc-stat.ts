/**
 * CPU and memory of processes read straight from Linux's /proc/<pid>/stat: one small synchronous
 * read per pid per tick, no child process, no timer, no per-read buffers or closures. What
 * pidusage computes on Linux, at a fraction of its cost for an idle daemon (its asynchronous
 * open/read/close chain per pid, /proc/uptime per tick, and the garbage they leave; measured in
 * bench/RESULTS.md, "Idle daemon").
 *
 * CPU is the share of one core since the previous read of that pid (the first read: since the
 * process started), as pidusage gives it. See proc(5) for the fields.
 *
 * Each pid's file stays open between ticks and is read again from offset 0 into one shared
 * buffer (procfs makes the text anew at each read from 0): no open/close, no buffer or option
 * handling of readFileSync per read, which were most of an idle daemon's sampling cost
 * (bench/RESULTS.md, section 12). A file whose process exited fails to read (ESRCH) and is
 * closed; a pid not asked for at a tick has its file closed.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { ProcessUsage } from './tick.js';

/** USER_HZ: the unit of /proc's clock ticks, fixed at 100 in the kernel's ABI on Linux. */
const TICKS_PER_S = 100;

interface Seen {
  ticks: number;
  atNs: bigint;
}

/** /proc/<pid>/stat is at most ~400 bytes (a 16-byte command name, 52 numbers). */
const STAT_BUFFER_BYTES = 4096;

export class ProcStat {
  private seen = new Map<number, Seen>();
  private pageSize: number | null = null;
  /** pid -> the open /proc/<pid>/stat. */
  private files = new Map<number, number>();
  private readonly buffer = Buffer.allocUnsafe(STAT_BUFFER_BYTES);

  /** Usage of each pid that could be read; a pid that exited is absent. */
  read(pids: readonly number[]): Record<number, ProcessUsage> {
    const out: Record<number, ProcessUsage> = {};
    const seen = new Map<number, Seen>();
    const files = new Map<number, number>();
    let uptimeS: number | null = null;
    for (const pid of pids) {
      const fields = this.fieldsOf(pid, files);
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
    // Pids not asked for this time are forgotten (a worker that exited), their files closed.
    for (const [pid, fd] of this.files) if (files.get(pid) !== fd) closeQuietly(fd);
    this.files = files;
    this.seen = seen;
    return out;
  }

  clear(): void {
    this.seen.clear();
    for (const fd of this.files.values()) closeQuietly(fd);
    this.files.clear();
  }

  /** The stat fields of `pid` from its open file (opened now if needed, once more if it failed), kept in `files`. */
  private fieldsOf(pid: number, files: Map<number, number>): string[] | null {
    const open = this.files.get(pid);
    if (open !== undefined) {
      const fields = this.readFields(open);
      if (fields !== null) {
        files.set(pid, open);
        return fields;
      }
      // The process exited (or the pid was taken again by a new one): open the pid anew.
      closeQuietly(open);
      this.files.delete(pid);
    }
    let fd: number;
    try {
      fd = openSync(`/proc/${pid}/stat`, 'r');
    } catch {
      return null;
    }
    const fields = this.readFields(fd);
    if (fields === null) closeQuietly(fd);
    else files.set(pid, fd);
    return fields;
  }

  private readFields(fd: number): string[] | null {
    let n: number;
    try {
      n = readSync(fd, this.buffer, 0, STAT_BUFFER_BYTES, 0);
    } catch {
      return null;
    }
    if (n === 0 || n === STAT_BUFFER_BYTES) return null;
    return afterCommand(this.buffer.toString('latin1', 0, n));
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
  return afterCommand(text);
}

/** The fields after the command name, which is in parentheses and may itself hold spaces and parentheses. */
function afterCommand(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
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
