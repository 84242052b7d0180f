/**
 * Pure conversions from what users write to the normalised {@link AppSpec} values. No I/O:
 * the core count and base directories are passed in.
 */

/**
 * Splits an argument string on white space; single or double quotes group words. No shell:
 * no expansion, no escapes beyond the quotes — `$(x)` stays `$(x)`.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(current);
  return out;
}

/** "max" or 0: one per core; -N: cores - N (at least 1, as PM2 does); otherwise the number itself. */
export function resolveInstances(value: number | string, cores: number): number {
  if (value === 'max' || value === 0) return Math.max(1, cores);
  if (typeof value === 'number' && value < 0) return Math.max(1, cores + value);
  return Number(value);
}

const MEMORY_UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** "300M", "1G", "512K", "1024" or a number → bytes; null when it is not a memory size. */
export function parseMemory(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value) : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([BKMG]?)B?\s*$/i.exec(value);
  if (!m) return null;
  const bytes = Math.floor(Number(m[1]) * MEMORY_UNITS[m[2]!.toUpperCase()]!);
  return bytes > 0 ? bytes : null;
}

const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** A duration as a string: whole number, optional unit (the JSON Schema uses the same pattern). */
export const DURATION_PATTERN = /^\s*(\d+)\s*(ms|s|m|h)?\s*$/;

/** Durations as PM2 writes them: 1500, "1500", "10s", "5m", "1h", "250ms" → ms; null otherwise. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  const m = DURATION_PATTERN.exec(value);
  if (!m) return null;
  const ms = Number(m[1]) * DURATION_UNITS[m[2] ?? '']!;
  return Number.isSafeInteger(ms) ? ms : null;
}

/** Env values as strings: numbers and booleans as text, objects and lists as JSON (as PM2 does). */
export function envStrings(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}
