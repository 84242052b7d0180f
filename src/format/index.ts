/**
 * Formatting for humans, shared by the CLI, the daemon and the dashboard (which loads these
 * compiled modules in the browser, from the daemon's HTTP listener: see src/dashboard/assets.ts).
 * Rules for this folder: no Node API, no global but the language's own, and no import but
 * `../protocol/` (type imports, or modules the listener serves too).
 */
export * from './numbers.js';
export * from './durations.js';
export * from './tones.js';
export * from './outcomes.js';
