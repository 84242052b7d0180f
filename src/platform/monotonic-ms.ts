/**
 * Milliseconds on a monotonic clock (since the process started), as `performance.now()` counts
 * them, without the global `performance`: its first use loads perf_hooks and the modules under it
 * (+0.24 MB of RSS in a bare process), which an idle daemon otherwise never needs
 * (bench/RESULTS.md, section 29). process.uptime() reads the same clock (uv_hrtime).
 */
export function monotonicMs(): number {
  return process.uptime() * 1000;
}
