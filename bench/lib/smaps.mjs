// Where a process's resident memory is, by kind of mapping, from /proc/<pid>/smaps (issue 13,
// bench/RESULTS.md section 26). Kinds:
//   node text / node rodata / node data   the node binary's executable, read-only and writable
//                                         segments (file pages; text grows with the native code run)
//   other files                           shared libraries and other mapped files
//   [heap]                                the brk heap (malloc's main arena)
//   malloc arenas                         other threads' malloc arenas (anonymous, 64 MB reserved each)
//   thread stacks                         anonymous 8 MB stacks of the process's threads
//   V8 and other anon                     everything else anonymous: V8's heap pages, code
//                                         space, zones, array buffers mmapped by V8
//   [stack] and [vdso], …                 the rest
import { readFileSync, readdirSync, realpathSync } from 'node:fs';

const NODE = realpathSync(process.execPath);

/** Parses smaps into [{start, end, perms, path, rss, anon, file…}] (sizes in kB). */
export function mappings(pid) {
  const out = [];
  let cur = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      cur = { start: parseInt(head[1], 16), end: parseInt(head[2], 16), perms: head[3], path: head[4].trim(), kb: {} };
      out.push(cur);
      continue;
    }
    const field = /^(\w+):\s+(\d+) kB/.exec(line);
    if (field && cur) cur.kb[field[1]] = Number(field[2]);
  }
  return out;
}

/** The kind of each mapping (see the file's comment), given all of the process's mappings. */
export function classify(maps, stackSize = 8 * 1024 * 1024) {
  return maps.map((m, i) => {
    const size = m.end - m.start;
    if (m.path === NODE) return m.perms.includes('x') ? 'node text' : m.perms.includes('w') ? 'node data' : 'node rodata';
    if (m.path === '[heap]') return '[heap]';
    if (m.path.startsWith('[')) return 'other ([stack], [vdso]…)';
    if (m.path !== '') return 'other files';
    // a thread's stack (glibc, libuv): 8 MB with a 4 kB guard page right below it (---p).
    const prev = maps[i - 1];
    if (m.perms === 'rw-p' && prev && prev.perms === '---p' && prev.end === m.start && prev.end - prev.start === 4096 && size === stackSize) return 'thread stacks';
    // a malloc arena: rw-p followed by the ---p rest of its 64 MB reservation, 64 MB aligned.
    const next = maps[i + 1];
    if (m.perms === 'rw-p' && m.start % (64 * 1024 * 1024) === 0 && next && next.perms === '---p' && next.start === m.end && size + (next.end - next.start) === 64 * 1024 * 1024) return 'malloc arenas';
    if (m.perms === 'rw-p' && m.start % (64 * 1024 * 1024) === 0 && size === 64 * 1024 * 1024) return 'malloc arenas';
    return 'V8 and other anon';
  });
}

export const KINDS = ['node text', 'node rodata', 'node data', 'other files', '[heap]', 'malloc arenas', 'thread stacks', 'V8 and other anon', 'other ([stack], [vdso]…)'];

/** kB resident per kind (Rss; Anonymous for the anon part of file mappings is counted in their kind). */
export function byKind(pid) {
  const maps = mappings(pid);
  const kinds = classify(maps);
  const sums = Object.fromEntries(KINDS.map((k) => [k, 0]));
  maps.forEach((m, i) => (sums[kinds[i]] += m.kb.Rss ?? 0));
  return sums;
}

export function threads(pid) {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      return '?';
    }
  });
}

export function rollup(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN);
  return { VmRSS: kb('VmRSS'), RssAnon: kb('RssAnon'), RssFile: kb('RssFile'), RssShmem: kb('RssShmem') };
}
