/**
 * The state directory (HOTCTL_HOME): created 0700, and refused when others could write to it.
 * The checks live in protocol/home.ts, beside the directory's layout, because the CLI makes the
 * same check before it starts a daemon and the CLI does not import daemon/.
 */
export { checkStateDir, ensureStateDir } from '../protocol/index.js';
