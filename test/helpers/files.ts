/** Waiting on a file's content, bounded: a log line reaches its file a moment after the worker writes it. */
import { readFileSync } from 'node:fs';

export function readOr(path: string, fallback = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** Resolves with the file's text once it matches `re`; rejects after `timeoutMs` with what it held. */
export async function waitForFile(path: string, re: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readOr(path);
    if (re.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${path} did not match ${re} in ${timeoutMs} ms; it holds: ${JSON.stringify(text.slice(-500))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
