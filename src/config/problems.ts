/** What validation reports: problems (nothing starts) and warnings (printed, the app starts). */

/** One thing wrong in an ecosystem file: where, what was expected, what was found. */
export interface ConfigProblem {
  file: string | null;
  app: string | null;
  path: string;
  expected: string;
  found: string;
  suggestion?: string;
}

export interface ConfigWarning {
  file: string | null;
  app: string | null;
  key: string;
  message: string;
}

/** Collects one problem of the app being validated (the file is added by the collector). */
export type AddProblem = (p: Omit<ConfigProblem, 'file'>) => void;

/** A value as it was found, with its type: `"lots" (string)`, `-5 (number)`, `an object`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list (${value.length} item${value.length === 1 ? '' : 's'})`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${text.length > 60 ? `${text.slice(0, 57)}…` : text} (${typeof value})`;
}
