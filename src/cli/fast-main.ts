/**
 * The entry of the CLI's small bundle (dist/bundle/cli-fast.cjs, scripts/bundle.mjs): the fast
 * lines (fast-path.ts) without the 0.4 MB of the whole CLI. bin/hotctl asks it first; for any
 * other line it has run nothing but fastPath's look at the arguments, and bin/hotctl runs the
 * whole CLI's bundle (main.ts), which decides again and shares nothing with this one.
 */
import { fastPath } from './fast-path.js';
import { runMain } from './run-main.js';

/** Runs the command line when it is a fast one; false (having done nothing) when it is not. */
export function runIfFast(): boolean {
  const args = process.argv.slice(2);
  let fast: ReturnType<typeof fastPath> = null;
  try {
    fast = args.includes('--') ? null : fastPath(args, process.cwd());
  } catch {
    return false;
  }
  if (!fast) return false;
  void runMain(fast, () => Promise.reject(new Error('a fast line has no slow way')));
  return true;
}
