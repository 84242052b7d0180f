// Which pages of the node binary two processes hold resident, by ELF section and, for .text, by
// the component the code belongs to (TurboFan, ICU, OpenSSL, V8's builtins…), from
// /proc/<pid>/pagemap (root: the present bit) and the binary's symbols (`nm`, `readelf`). Made for
// issue 13 (bench/RESULTS.md section 26): what a daemon maps that a bare primary does not.
//
//   node bench/node-pages.mjs <pid> <reference pid>
//
// Pages come in by the kernel's fault-around (64 KB at a time), so a component's count is the
// 4 KB pages whose address falls in its symbols, neighbours included: read differences, not totals.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';

const [pid, ref] = process.argv.slice(2);
if (!pid || !ref) throw new Error('usage: node bench/node-pages.mjs <pid> <reference pid>');
const NODE = realpathSync(process.execPath);

const sections = [];
for (const line of execFileSync('readelf', ['-SW', NODE], { encoding: 'utf8' }).split('\n')) {
  const m = /\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(line);
  if (m && parseInt(m[2], 16) > 0) sections.push({ name: m[1], start: parseInt(m[2], 16), end: parseInt(m[2], 16) + parseInt(m[3], 16) });
}
const symbols = execFileSync('nm', ['-C', '--defined-only', NODE], { encoding: 'utf8', maxBuffer: 1 << 30 })
  .split('\n')
  .map((l) => /^([0-9a-f]+) ([tTwW]) (.*)$/.exec(l))
  .filter((m) => m && !m[3].startsWith('.annobin'))
  .map((m) => ({ at: parseInt(m[1], 16), name: m[3] }))
  .sort((a, b) => a.at - b.at);
const COMPONENTS = [
  [/^v8::internal::compiler::turboshaft/, 'TurboFan (turboshaft)'],
  [/^v8::internal::compiler::/, 'TurboFan'],
  [/^v8::internal::maglev/, 'Maglev'],
  [/^v8::internal::baseline/, 'Sparkplug'],
  [/^v8::internal::wasm/, 'wasm'],
  [/^Builtins_/, "V8's embedded builtins"],
  [/^v8::internal::(interpreter|Parser|PreParser|Scanner|ParserBase|AstValueFactory|Scope|DeclarationScope)/, 'parser, bytecode generator'],
  [/^v8::internal::(Heap|Scavenger|MarkCompact|Mark|Sweeper|Concurrent|Minor|Incremental|Evacuat|MemoryAllocator|PagedSpace|NewSpace|LargeObject|GCTracer|Memory)/, "V8's GC and heap"],
  [/^icu_?\d*::|^u(loc|cal|data|res|cnv|str|set|norm|trie)/, 'ICU'],
  [/^(EVP_|SSL|ssl|X509|x509|OPENSSL|ossl|CRYPTO|BN_|EC_|RSA|ASN1|asn1|PEM|BIO|ERR_|OBJ_|SHA|sha|ENGINE|PKCS|DH_|DSA|RAND|rand|OSSL|evp|bn_|ec_|tls|CONF|conf|v3_|aes|AES|ChaCha|poly|ecp_|ecx)/, 'OpenSSL'],
  [/^uv_|^uv__/, 'libuv'],
  [/^node::crypto/, 'node::crypto'],
  [/^node::/, 'node::'],
  [/^v8::internal::/, 'V8, other'],
  [/^v8::/, "V8's API"],
  [/^(nghttp|llhttp|ares|brotli|Brotli|deflate|inflate|zlib|z_|simdutf|ada)/, 'nghttp2, llhttp, c-ares, brotli, zlib, simdutf, ada'],
];
function symbolAt(address) {
  let lo = 0;
  let hi = symbols.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (symbols[mid].at <= address) lo = mid;
    else hi = mid - 1;
  }
  return symbols[lo]?.at <= address ? symbols[lo].name : '?';
}
const componentOf = (name) => COMPONENTS.find(([re]) => re.test(name))?.[1] ?? 'other';

function scan(p) {
  const bySection = new Map();
  const byComponent = new Map();
  const fd = openSync(`/proc/${p}/pagemap`, 'r');
  try {
    for (const line of readFileSync(`/proc/${p}/maps`, 'utf8').split('\n')) {
      const f = line.split(/\s+/);
      if (f[5] !== NODE) continue;
      const [start, end] = f[0].split('-').map((x) => parseInt(x, 16));
      const offset = parseInt(f[2], 16);
      const pages = (end - start) / 4096;
      const buf = Buffer.alloc(pages * 8);
      readSync(fd, buf, 0, buf.length, (start / 4096) * 8);
      // V8 remaps its embedded builtins next to its code space (short builtin calls): by file offset.
      const remapped = start >= 0x10000000;
      for (let i = 0; i < pages; i++) {
        if (!(buf.readBigUInt64LE(i * 8) >> 63n)) continue;
        const address = remapped ? 0x400000 + offset + i * 4096 : start + i * 4096;
        const section = (sections.find((s) => s.start <= address && address < s.end)?.name ?? '?') + (remapped ? ' (remapped)' : '');
        bySection.set(section, (bySection.get(section) ?? 0) + 4);
        if (section.startsWith('.text')) {
          const c = componentOf(symbolAt(address));
          byComponent.set(c, (byComponent.get(c) ?? 0) + 4);
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { bySection, byComponent };
}

const a = scan(pid);
const b = scan(ref);
const rows = (ma, mb) =>
  [...new Set([...ma.keys(), ...mb.keys()])]
    .map((k) => [k, ma.get(k) ?? 0, mb.get(k) ?? 0])
    .sort((x, y) => y[1] - y[2] - (x[1] - x[2]))
    .map(([k, x, y]) => `| ${k} | ${x} | ${y} | ${x - y >= 0 ? '+' : ''}${x - y} |`);
console.log(`Resident pages of ${NODE}, kB: pid ${pid} against pid ${ref}, by section\n`);
console.log(`| section | ${pid} | ${ref} | difference |\n|---|---|---|---|\n${rows(a.bySection, b.bySection).join('\n')}\n`);
console.log(`.text by component (symbol of each resident page)\n`);
console.log(`| component | ${pid} | ${ref} | difference |\n|---|---|---|---|\n${rows(a.byComponent, b.byComponent).join('\n')}`);
