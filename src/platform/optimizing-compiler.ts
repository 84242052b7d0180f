/**
 * V8's optimizing compiler (TurboFan) held off while the daemon has no hot work (issue 13,
 * bench/RESULTS.md section 26). Its first compilation maps ~3.3 MB of the node binary's code
 * (the compiler itself) and leaves ~0.5 MB in a malloc arena for good; an idle daemon only
 * reaches it through start-up loops and its 1 Hz reports, which run as well in the interpreter
 * and baseline code. Code that is really hot — routing a burst of connections, a flood of log
 * lines — releases it, once and for the rest of the process (router: {@link noteConnection};
 * the daemon's CPU: daemon/compiler-governor.ts). V8 reads the flag at each tier-up decision,
 * so functions optimize from the moment it is released.
 *
 * Held only where the process runs with V8's default: a node flag about the optimizing tiers
 * (`--no-opt`, `--jitless`…) is left alone, and so is HOTCTL_V8_OPT=1.
 */
import { setFlagsFromString } from 'node:v8';
import { monotonicMs } from './monotonic-ms.js';

let held = false;
let onRelease: ((reason: string) => void) | null = null;

/** Node flags that already say what V8 may optimize: then nothing is held or released. */
const OWN_CHOICE = /^--(no-)?(opt|turbofan|maglev|jitless|lite-mode|max-opt)\b/;

export function holdOptimizingCompiler(execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (held || env.HOTCTL_V8_OPT === '1' || execArgv.some((flag) => OWN_CHOICE.test(flag))) return false;
  setFlagsFromString('--no-opt');
  held = true;
  return true;
}

/** Lets V8 optimize again (once; later calls do nothing). `reason` goes to the release listener. */
export function releaseOptimizingCompiler(reason: string): void {
  if (!held) return;
  held = false;
  setFlagsFromString('--opt');
  onRelease?.(reason);
}

export const optimizingCompilerHeld = (): boolean => held;

/** Told once, when it is released (the daemon logs it). */
export function onOptimizingCompilerRelease(listener: ((reason: string) => void) | null): void {
  onRelease = listener;
}

/** A burst: this many connections within {@link BURST_WINDOW_MS}. */
export const BURST_CONNECTIONS = 32;
export const BURST_WINDOW_MS = 1000;
let windowStart = -Infinity;
let inWindow = 0;

/**
 * The router, for each connection it accepts while the compiler is held: a burst releases it.
 * A health check every few seconds does not; load does, within its first 32 connections.
 */
export function noteConnection(at?: number): void {
  if (!held) return;
  const nowMs = at ?? monotonicMs();
  if (nowMs - windowStart >= BURST_WINDOW_MS) {
    windowStart = nowMs;
    inWindow = 0;
  }
  if (++inWindow >= BURST_CONNECTIONS) releaseOptimizingCompiler(`${inWindow} connections routed within ${BURST_WINDOW_MS} ms`);
}
