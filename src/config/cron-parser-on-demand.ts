/**
 * cron-parser (and luxon under it, ~0.5 MB of source) loaded on the first cron expression read,
 * not at start-up: a daemon whose apps have no `cron_restart` never loads it. Node caches the
 * module, so later calls cost a Map lookup. A literal `require` keeps the target readable by the
 * import-graph check (test/helpers/import-graph.ts).
 */
import { createRequire } from 'node:module';

type CronParser = typeof import('cron-parser');

const require = createRequire(import.meta.url);
let loaded: CronParser | null = null;

/** The cron-parser module, loaded on the first call. */
export function cronParser(): CronParser {
  loaded ??= require('cron-parser') as CronParser;
  return loaded;
}
