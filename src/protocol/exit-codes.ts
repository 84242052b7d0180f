/** The exit codes of the CLI (README "Exit codes", `hotctl --help`). */

/**
 * The exit codes of the CLI, declared once: the number, what it means (the README's "Exit codes"
 * table) and the short form the CLI's `--help` lists. Scripts may rely on these.
 */
export const EXIT_CODE_TABLE = {
  ok: { code: 0, brief: 'done', meaning: 'Everything asked for was done.' },
  failed: {
    code: 1,
    brief: 'the operation failed (the previous revision keeps serving)',
    meaning: 'The operation ran and failed (a reload rolled back, a start whose workers crashed); the app keeps its previous revision.',
  },
  usage: { code: 2, brief: 'usage or config error', meaning: 'Wrong input: bad flags, an invalid ecosystem file, an unknown app. Nothing was changed.' },
  daemon: { code: 3, brief: 'daemon unreachable or another version', meaning: 'The daemon could not be reached, did not start, or runs another version.' },
  busy: { code: 4, brief: 'another operation on the app is in progress', meaning: 'Another operation on the same app is in progress; nothing was changed.' },
  conflict: { code: 5, brief: 'a resource is taken (port, state directory)', meaning: 'A resource is taken: a port, or the state directory by another daemon.' },
} as const satisfies Record<string, { code: number; brief: string; meaning: string }>;

export type ExitCodeName = keyof typeof EXIT_CODE_TABLE;

/** Exit code name → number, from {@link EXIT_CODE_TABLE}. */
export const EXIT_CODES = Object.fromEntries(Object.entries(EXIT_CODE_TABLE).map(([name, e]) => [name, e.code])) as {
  readonly [N in ExitCodeName]: (typeof EXIT_CODE_TABLE)[N]['code'];
};

/** `0 done · 1 the operation failed … · 5 a resource is taken …`: the exit codes in one line (the CLI's --help). */
export function exitCodesLine(): string {
  return Object.values(EXIT_CODE_TABLE)
    .map((e) => `${e.code} ${e.brief}`)
    .join(' · ');
}
