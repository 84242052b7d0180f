/** Entry of the `hotctl` command (bin/hotctl runs this, or its bundles: scripts/bundle.mjs). */
// fast-path.js alone, statically: the hottest command lines load nothing else of the CLI
// (cli.js, with yargs' plumbing, loads only for the others).
import { fastPath } from './fast-path.js';
import { runMain } from './run-main.js';

// process.argv is [node, bin/hotctl, ...args] (yargs' hideBin, which costs a module graph).
const args = process.argv.slice(2);
let fast: ReturnType<typeof fastPath> = null;
try {
  // As runCli does first: what follows `--` is never a fast line.
  fast = args.includes('--') ? null : fastPath(args, process.cwd());
} catch {
  // (process.cwd() of a removed folder, say): runCli reports it.
}
// No top-level await: the same file is bundled as CommonJS (scripts/bundle.mjs), which has none.
void runMain(fast, async (io) => (await import('./cli.js')).runCli(args, io));
