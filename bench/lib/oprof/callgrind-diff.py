# Per-request instructions of two callgrind runs, function by function, JIT'd code named from V8's
# perf map (--perf-basic-prof); biggest differences first (bench/RESULTS.md 27).
#   python3 callgrind-diff.py a.cg a.map b.cg b.map <requests> [rows=40]
import sys, subprocess, re, bisect, collections
def load(cg, mp):
    out = subprocess.run(['callgrind_annotate', '--inclusive=no', '--threshold=100', cg], capture_output=True, text=True).stdout
    ents = []
    for l in open(mp):
        a, s, name = l.rstrip('\n').split(' ', 2)
        ents.append((int(a, 16), int(s, 16), name))
    ents.sort()
    starts = [e[0] for e in ents]
    res = collections.Counter()
    for l in out.splitlines():
        m = re.match(r'^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$', l)
        if not m or 'PROGRAM TOTALS' in l: continue
        v = int(m.group(1).replace(',', '')); fn = m.group(2)
        mm = re.match(r'\?\?\?:0x([0-9a-f]+)', fn)
        if mm:
            addr = int(mm.group(1), 16)
            i = bisect.bisect_right(starts, addr) - 1
            name = ents[i][2] if i >= 0 and addr < ents[i][0] + ents[i][1] else '(unmapped JIT)'
            name = re.sub(r'0x[0-9a-f]+', '', name)
            res['JIT ' + name] += v
        else:
            res[re.sub(r' \[.*$', '', fn)] += v
    return res
a = load(sys.argv[1], sys.argv[2]); b = load(sys.argv[3], sys.argv[4]); n = float(sys.argv[5])
import re as _re
noise = _re.compile(r'Scaveng|Heap::|MarkCompact|Sweeper|GCTracer|Evacuat|ConcurrentMarking|MemoryAllocator|IncrementalMarking|heap::|compiler::|LookupIterator|Interceptor|Marking|Marker|Compactor|RememberedSet|SlotSet|Page::|MemoryChunk|Worklist|Mark|Scavenger|IterateObjectCache|RootVisitor|Visit')
fa = sum(v for k, v in a.items() if not noise.search(k)); fb = sum(v for k, v in b.items() if not noise.search(k))
print(f"filtered (no GC, compiler, LookupIterator): {fa/n:.0f} / {fb/n:.0f}  diff {(fa-fb)/n:.0f}")
keys = set(a) | set(b)
rows = sorted(keys, key=lambda k: -abs(a[k] - b[k]))
print(f"total {sum(a.values())/n:.0f} / {sum(b.values())/n:.0f}")
for k in rows[:int(sys.argv[6]) if len(sys.argv) > 6 else 40]:
    print(f"{a[k]/n:8.1f} {b[k]/n:8.1f} {(a[k]-b[k])/n:8.1f}  {k[:150]}")
