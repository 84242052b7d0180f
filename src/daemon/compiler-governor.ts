/**
 * The daemon's own CPU, read at each tick of the 1 Hz sampler: sustained work releases V8's
 * optimizing compiler, held off while the daemon idles (platform/optimizing-compiler.ts). A
 * reload, a `status` or a garbage collection costs the daemon a few tens of ms once and releases
 * nothing; work that lasts (a flood of log lines, a busy dashboard, routing load) does. Without the sampler's tick there is nothing
 * to watch the load with: then it is released at once.
 */
import { onOptimizingCompilerRelease, optimizingCompilerHeld, releaseOptimizingCompiler } from '../platform/optimizing-compiler.js';
import { monotonicMs } from '../platform/monotonic-ms.js';

/**
 * One tick at this much CPU (ms per second: 20 % of a core) releases it… (process CPU, every
 * thread: V8's memory reducer alone, a few full collections ~8 s after start-up, made a
 * 56 ms second on this machine while the daemon idled.)
 */
export const BUSY_MS_PER_S = 200;
/** …and so do {@link WARM_TICKS} ticks in a row at this much (2 %). */
export const WARM_MS_PER_S = 20;
export const WARM_TICKS = 3;
/**
 * A tick sooner than this after the last one measured is measured with the next: the sampler's
 * ticks are a second apart, but the one that falls in step with the workers' reports may come
 * half a second after the last (metrics/tick-phase.ts), and a reload's CPU over half a second is
 * not a second of it.
 */
export const MIN_WINDOW_MS = 900;

/** What a tick decides, from the CPU of the last interval and how many warm ticks came before it. */
export function judgeTick(cpuMsPerS: number, warmBefore: number): { release: string | null; warm: number } {
  if (cpuMsPerS >= BUSY_MS_PER_S) return { release: `the daemon used ${cpuMsPerS.toFixed(0)} ms of CPU per second`, warm: 0 };
  const warm = cpuMsPerS >= WARM_MS_PER_S ? warmBefore + 1 : 0;
  return warm >= WARM_TICKS ? { release: `the daemon used ≥ ${WARM_MS_PER_S} ms of CPU per second for ${warm} s`, warm: 0 } : { release: null, warm };
}

export class CompilerGovernor {
  private last: NodeJS.CpuUsage | null = null;
  private lastAt = 0;
  private warm = 0;

  constructor(
    private readonly cpu: () => NodeJS.CpuUsage = () => process.cpuUsage(),
    private readonly now: () => number = monotonicMs,
  ) {}

  tick(): void {
    if (!optimizingCompilerHeld()) return;
    const at = this.now();
    if (this.last !== null && at - this.lastAt < MIN_WINDOW_MS) return;
    const cpu = this.cpu();
    const last = this.last;
    this.last = cpu;
    const seconds = (at - this.lastAt) / 1000;
    this.lastAt = at;
    if (last === null || seconds <= 0) return;
    const verdict = judgeTick((cpu.user - last.user + cpu.system - last.system) / 1000 / seconds, this.warm);
    this.warm = verdict.warm;
    if (verdict.release !== null) releaseOptimizingCompiler(verdict.release);
  }
}

/** The daemon's part: logs the release; returns what the sampler's tick calls. */
export function governCompiler(metricsIntervalMs: number, log: (line: string) => void): () => void {
  onOptimizingCompilerRelease((reason) => log(`V8's optimizing compiler released: ${reason}`));
  if (metricsIntervalMs <= 0) {
    releaseOptimizingCompiler('metrics sampling is off, nothing watches the load');
    return () => {};
  }
  const governor = new CompilerGovernor();
  return () => governor.tick();
}
