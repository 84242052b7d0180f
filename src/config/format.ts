/** Human lines for config errors and warnings, as the CLI prints them. */
import { basename } from 'node:path';
import type { HotctlError } from '../protocol/index.js';
import type { ConfigProblem, ConfigWarning } from './problems.js';

export function formatConfigError(err: HotctlError): string[] {
  const problems = (err.details?.problems ?? []) as ConfigProblem[];
  if (problems.length === 0) return [err.message];
  return problems.flatMap((p) => {
    const where = [p.file ? basename(p.file) : null, p.app ? `app "${p.app}"` : null, p.path].filter(Boolean).join(': ');
    const line = `${where}: expected ${p.expected}; found ${p.found}`;
    return p.suggestion ? [line, `  did you mean "${p.suggestion}"?`] : [line];
  });
}

export function formatWarning(w: ConfigWarning): string {
  const where = [w.file ? basename(w.file) : null, w.app ? `app "${w.app}"` : null].filter(Boolean).join(': ');
  return `warning: ${where ? `${where}: ` : ''}${w.message}`;
}
