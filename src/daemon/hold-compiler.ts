/**
 * Imported first by the daemon's entry (main.ts), before any other module is evaluated: V8's
 * optimizing compiler stays off until the daemon has hot work (platform/optimizing-compiler.ts,
 * daemon/compiler-governor.ts, the router's bursts).
 */
import { holdOptimizingCompiler } from '../platform/optimizing-compiler.js';

holdOptimizingCompiler();
