// Reading a V8 .cpuprofile (node --cpu-prof) for the benches that break an idle spell down by
// function (bench/daemon-idle.mjs, bench/idle-profile.mjs).
import { readFileSync } from 'node:fs';

/**
 * The non-idle samples of `file` that fall within [fromUs, toUs] (profile clock), each with the
 * time it stands for, and the node tables to name them: `byId` (node id → node, its `callFrame`)
 * and `parent` (node id → its caller's id).
 */
export function busySamples(file, fromUs, toUs) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = [];
  let t = p.startTime;
  let busyUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    const dtUs = p.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const id = p.samples[i];
    if (byId.get(id).callFrame.functionName === '(idle)') continue;
    busyUs += dtUs;
    samples.push({ id, dtUs });
  }
  return { byId, parent, samples, busyUs };
}
