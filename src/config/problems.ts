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
