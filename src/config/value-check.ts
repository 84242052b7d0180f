/**
 * One value of an app against its key's definition in the app schema (src/protocol/app-spec.ts):
 * the check, what the key expects in words, and how the value found is shown.
 */
import type { KeyDef } from '../protocol/index.js';
import { parseDuration, parseMemory } from './normalize.js';
import { checkCanaryPlan } from './canary-plan.js';
import type { AddProblem } from './problems.js';
import { describe } from './problems.js';

export { describe } from './problems.js';

export function checkValue(def: KeyDef, value: unknown, path: string, app: string, add: AddProblem): void {
  const fail = () => add({ app, path, expected: expectedOf(def), found: describe(value) });
  switch (def.kind) {
    case 'string':
      if (typeof value !== 'string' || value.length === 0) return fail();
      if (def.pattern && !new RegExp(def.pattern).test(value)) add({ app, path, expected: def.patternText ?? `text matching ${def.pattern}`, found: describe(value) });
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail();
      return;
    case 'integer': {
      // Durations also take PM2's strings ("10s", "5m", "1h").
      const n = def.unit === 'ms' ? parseDuration(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < (def.min ?? -Infinity)) fail();
      return;
    }
    case 'string-list':
      // Numbers and booleans in a list (`args: ["--port", 3000]`) are passed as text, as PM2 does.
      if (!(typeof value === 'string' || (Array.isArray(value) && value.every((v) => ['string', 'number', 'boolean'].includes(typeof v))))) fail();
      return;
    case 'env':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail();
      // Objects and lists are turned into their JSON text, as PM2 does (envStrings).
      for (const [k, v] of Object.entries(value)) {
        if (!['string', 'number', 'boolean', 'object', 'undefined'].includes(typeof v)) add({ app, path: `${path}.${k}`, expected: 'a string, number, boolean or JSON value', found: describe(v) });
      }
      return;
    case 'instances': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (!(n === 'max' || (typeof n === 'number' && Number.isSafeInteger(n)))) fail();
      return;
    }
    case 'memory':
      if (parseMemory(value) === null) fail();
      return;
    case 'watch':
      if (!(typeof value === 'boolean' || (typeof value === 'string' && value.length > 0) || (Array.isArray(value) && value.every((v) => typeof v === 'string')))) fail();
      return;
    case 'enum':
      if (typeof value !== 'string' || !def.values?.includes(value)) fail();
      return;
    case 'integer-list':
      if (!(Number.isInteger(value) || (Array.isArray(value) && value.every((v) => Number.isInteger(v))))) fail();
      return;
    case 'boolean-or-string':
      if (!(typeof value === 'boolean' || (typeof value === 'string' && value.length > 0))) fail();
      return;
    case 'boolean-or-strings':
      if (!(typeof value === 'boolean' || typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))) fail();
      return;
    case 'canary-plan':
      return checkCanaryPlan(value, path, app, add);
  }
}

/** What a key expects, in words. */
export function expectedOf(def: KeyDef): string {
  switch (def.kind) {
    case 'string':
      return 'a non-empty string';
    case 'boolean':
      return 'true or false';
    case 'integer':
      if (def.unit === 'ms') return `a duration ≥ ${def.min ?? 0} ms: milliseconds, or a string such as "500ms", "10s", "5m", "1h"`;
      return def.min === undefined ? 'a whole number' : `a whole number ≥ ${def.min}`;
    case 'string-list':
      return 'a string or a list of strings (numbers are taken as text)';
    case 'env':
      return 'an object of env values (strings, numbers or booleans)';
    case 'instances':
      return 'a whole number ≥ 1, "max" or 0 (one per core), or -N (cores minus N, at least 1)';
    case 'memory':
      return 'a memory size such as "300M", "1G", "512K" or a number of bytes';
    case 'watch':
      return 'true, false, a path or a list of paths';
    case 'enum':
      return `one of ${(def.values ?? []).map((v) => `"${v}"`).join(', ')}`;
    case 'integer-list':
      return 'a whole number or a list of whole numbers';
    case 'boolean-or-string':
      return 'true, false or a path';
    case 'boolean-or-strings':
      return 'true, false, a string or a list of strings';
    case 'canary-plan':
      return 'an object: the canary plan (steps, step_interval, max_error_rate, max_p99_ratio, min_requests, max_step_interval, max_event_loop_delay_ms)';
  }
}
