/**
 * How the app schema (app-spec.ts) describes one key: the kinds of value a key may hold, the
 * normalised TypeScript type of each, and a key's definition. Validation (src/config), the JSON
 * Schema and the README's key table read these definitions.
 */
import type { CanaryPlan } from './canary-plan.js';

/** The kinds of value a key may hold, and the normalised TypeScript type of each. */
export interface KindTypes {
  /** A non-empty string. */
  string: string;
  /** A boolean. */
  boolean: boolean;
  /** A whole number ≥ `min`. */
  integer: number;
  /** A list of strings; a single string is split on white space (quotes group words). */
  'string-list': string[];
  /** An object of env variables; numbers and booleans are turned into strings. */
  env: Record<string, string>;
  /** A worker count: a whole number ≥ 1, or "max" / 0 (one per core), or -N (cores - N, at least 1). */
  instances: number;
  /** A memory size: bytes, or a string such as "300M", "1G", "512K". */
  memory: number;
  /** `true`/`false`, or a list of paths to watch. */
  watch: boolean | string[];
  /** One of the listed values. */
  enum: string;
  /** A list of whole numbers; a single number is a list of one. */
  'integer-list': number[];
  /** `true`/`false`, or a string (a path). */
  'boolean-or-string': boolean | string;
  /** `true`/`false`, a string, or a list of strings. */
  'boolean-or-strings': boolean | string | string[];
  /** A canary plan (canary-plan.ts): an object whose every field has a default. */
  'canary-plan': CanaryPlan;
}

export type Kind = keyof KindTypes;

export interface KeyDef {
  readonly kind: Kind;
  readonly description: string;
  /** Required keys must be present in every app. */
  readonly required?: boolean;
  /** The normalised default. Keys with a default are always present in an {@link AppSpec}. */
  readonly default?: unknown;
  /** For `integer`: the smallest accepted value. */
  readonly min?: number;
  /** For `enum`: the accepted values. */
  readonly values?: readonly string[];
  /** For `string`: a regular expression the value must match. */
  readonly pattern?: string;
  /** A human sentence describing `pattern`, used in error messages. */
  readonly patternText?: string;
  /** Keys whose value is in milliseconds. */
  readonly unit?: 'ms' | 'bytes';
}
