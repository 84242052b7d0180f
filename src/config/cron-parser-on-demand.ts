/**
 * cron-parser (and luxon under it, ~0.5 MB of source) loaded on the first cron expression read,
 * not at start-up: a daemon whose apps have no `cron_restart` never loads it. Node caches the
 * module, so later calls cost a Map lookup. node:module itself (createRequire) is loaded on that
 * first call as well (platform/builtin.ts). A literal `require` keeps the target readable by the
 * import-graph check (test/helpers/import-graph.ts).
 */
import { requireFrom } from '../platform/builtin.js';

type CronParser = typeof import('cron-parser');

let loaded: CronParser | null = null;

/** The cron-parser module, loaded on the first call (node:module too: not at start-up). */
export function cronParser(): CronParser {
  if (loaded === null) {
    const require = requireFrom(import.meta.url);
    loaded = require('cron-parser') as CronParser;
  }
  return loaded;
}
