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
 * (bench/RESULTS.md, section 12); the numbers are parsed from the bytes, no string is made
 * (section 29). A file whose process exited fails to read (ESRCH) and is closed, also when the
 * pid was taken by a new process (the open file stays bound to the process it was opened for);
 * a pid not asked for at a tick has its file closed. Cost: one fd per sampled worker, open
 * between ticks.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { ProcessUsage } from './tick.js';

/** USER_HZ: the unit of /proc's clock ticks, fixed at 100 in the kernel's ABI on Linux. */
const TICKS_PER_S = 100;

/** /proc/<pid>/stat is at most ~400 bytes (a 16-byte command name, 52 numbers). */
const STAT_BUFFER_BYTES = 4096;

/** Indexes of the fields read, counted from the state (the field after the command name); proc(5) numbers them from 1 and the state is field 3. */
const UTIME = 11;
const STIME = 12;
const STARTTIME = 19;
const RSS = 21;

/** One pid's open file and its previous read. */
interface Entry {
  fd: number;
  /** utime + stime at the previous read (clock ticks); -1 before the first. */
  ticks: number;
  atNs: bigint;
  /** The read() that last asked for this pid. */
  mark: number;
}

export class ProcStat {
  private pageSize: number | null = null;
  /** pid -> its open /proc/<pid>/stat and previous read. */
  private readonly entries = new Map<number, Entry>();
  private readonly buffer = Buffer.allocUnsafe(STAT_BUFFER_BYTES);
  /** The fields read from the buffer by {@link parse}: utime, stime, starttime, rss. */
  private readonly fields = [0, 0, 0, 0];
  private reads = 0;

  /** Usage of each pid that could be read; a pid that exited is absent. */
  read(pids: readonly number[]): Record<number, ProcessUsage> {
    const out: Record<number, ProcessUsage> = {};
    const mark = ++this.reads;
    const atNs = process.hrtime.bigint();
    let uptimeS = -1;
    for (let i = 0; i < pids.length; i++) {
      const pid = pids[i]!;
      const entry = this.entryOf(pid);
      if (entry === null) continue;
      entry.mark = mark;
      const f = this.fields;
      const ticks = f[0]! + f[1]!;
      let cpu: number;
      if (entry.ticks >= 0) {
        const seconds = Number(atNs - entry.atNs) / 1e9;
        cpu = seconds > 0 ? ((ticks - entry.ticks) / TICKS_PER_S / seconds) * 100 : 0;
      } else {
        if (uptimeS < 0) uptimeS = Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]);
        const seconds = uptimeS - f[2]! / TICKS_PER_S;
        cpu = seconds > 0 ? (ticks / TICKS_PER_S / seconds) * 100 : 0;
      }
      entry.ticks = ticks;
      entry.atNs = atNs;
      out[pid] = { cpu, memory: f[3]! * this.bytesPerPage() };
    }
    // Pids not asked for this time are forgotten (a worker that exited), their files closed.
    for (const [pid, entry] of this.entries) {
      if (entry.mark === mark) continue;
      closeQuietly(entry.fd);
      this.entries.delete(pid);
    }
    return out;
  }

  clear(): void {
    for (const entry of this.entries.values()) closeQuietly(entry.fd);
    this.entries.clear();
  }

  /** `pid`'s entry with {@link fields} read now from its open file (opened now if needed, once more if it failed), or null when the process is gone. */
  private entryOf(pid: number): Entry | null {
    const open = this.entries.get(pid);
    if (open !== undefined) {
      if (this.readFields(open.fd)) return open;
      // The process exited (or the pid was taken again by a new one): open the pid anew.
      closeQuietly(open.fd);
      this.entries.delete(pid);
    }
    let fd: number;
    try {
      fd = openSync(`/proc/${pid}/stat`, 'r');
    } catch {
      return null;
    }
    if (!this.readFields(fd)) {
      closeQuietly(fd);
      return null;
    }
    const entry: Entry = { fd, ticks: -1, atNs: 0n, mark: 0 };
    this.entries.set(pid, entry);
    return entry;
  }

  /** Reads the file from offset 0 and parses it into {@link fields}; false when it could not be read (the process is gone). */
  private readFields(fd: number): boolean {
    let n: number;
    try {
      n = readSync(fd, this.buffer, 0, STAT_BUFFER_BYTES, 0);
    } catch {
      return false;
    }
    if (n === 0 || n === STAT_BUFFER_BYTES) return false;
    return parseStat(this.buffer, n, this.fields);
  }

  /** The page size, from this process's own RSS as libuv reports it in bytes and /proc in pages. */
  private bytesPerPage(): number {
    if (this.pageSize === null) {
      const pages = Number(statFields(process.pid)?.[RSS]);
      this.pageSize = pages > 0 ? 2 ** Math.round(Math.log2(process.memoryUsage.rss() / pages)) : 4096;
    }
    return this.pageSize;
  }
}

/**
 * Parses utime, stime, starttime and rss out of the bytes of a /proc/<pid>/stat into `into`,
 * without making a string: the fields after the command name (which is in parentheses and may
 * itself hold spaces and parentheses, hence the last ')') are single spaces apart. False when the
 * text is not what proc(5) says.
 */
export function parseStat(bytes: Uint8Array, length: number, into: number[]): boolean {
  let i = length - 1;
  while (i >= 0 && bytes[i] !== 0x29 /* ) */) i--;
  if (i < 0) return false;
  i += 2; // ") "
  let field = 0;
  let found = 0;
  while (i < length && field <= RSS) {
    const slot = field === UTIME ? 0 : field === STIME ? 1 : field === STARTTIME ? 2 : field === RSS ? 3 : -1;
    if (slot >= 0) {
      let value = 0;
      let digits = 0;
      for (let c = bytes[i]!; c >= 0x30 && c <= 0x39; c = bytes[++i]!) {
        value = value * 10 + (c - 0x30);
        digits++;
      }
      if (digits === 0) return false;
      into[slot] = value;
      found++;
    }
    while (i < length && bytes[i] !== 0x20) i++;
    i++;
    field++;
  }
  return found === 4;
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
