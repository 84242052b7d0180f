/**
 * `hotctl save` / `hotctl resurrect`: the saved list (HOTCTL_HOME/dump.json) and its backup
 * (dump.json.bak). Each save first keeps the previous dump as the backup — only when that dump
 * reads back whole, so a corrupt dump never overwrites a good backup — then writes the new one
 * atomically. Resurrect falls back to the backup when the dump is missing or unreadable, and
 * says so.
 */
import { readFileSync } from 'node:fs';
import { HotctlError } from '../protocol/index.js';
import { loadState, parseState, writeStateAtomic, type StateFile } from './state-store.js';

export function backupPathOf(dumpFile: string): string {
  return `${dumpFile}.bak`;
}

/** Keeps the current dump as the backup (when it is whole), then writes `state` atomically. */
export function saveDump(dumpFile: string, state: StateFile): void {
  let previous: StateFile | null = null;
  try {
    previous = parseState(readFileSync(dumpFile, 'utf8'));
  } catch {
    // none yet, or not whole: the backup keeps what it has
  }
  if (previous !== null) writeStateAtomic(backupPathOf(dumpFile), previous);
  writeStateAtomic(dumpFile, state);
}

/** The saved list, from the dump or else its backup; `notice` says when the backup was used. */
export function loadDump(dumpFile: string): { state: StateFile; file: string; notice: string | null } {
  const main = loadState(dumpFile);
  if (main.kind === 'ok') return { state: main.state, file: dumpFile, notice: null };
  const backup = backupPathOf(dumpFile);
  const fallback = loadState(backup);
  const why = main.kind === 'none' ? `${dumpFile} does not exist` : `${dumpFile} was unreadable (${main.reason}; kept as ${main.keptAs})`;
  if (fallback.kind === 'ok') {
    return { state: fallback.state, file: backup, notice: `${why}; resurrected from the backup of the save before, ${backup} (saved at ${fallback.state.saved_at}).` };
  }
  if (main.kind === 'none' && fallback.kind === 'none') throw new HotctlError('E_USAGE', `Nothing saved yet (${dumpFile}): run \`hotctl save\` first.`);
  throw new HotctlError('E_USAGE', `${why}, and there is no whole backup (${backup}${fallback.kind === 'corrupt' ? `: ${fallback.reason}` : ': none'}); nothing to resurrect.`, {
    hint: 'Start the apps again from their ecosystem files, then run `hotctl save`.',
  });
}
