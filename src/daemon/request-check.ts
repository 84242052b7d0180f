/**
 * Checks the shape of each request's params before a handler sees them: the socket is an
 * input like any other, and a malformed request gets E_PROTOCOL, never a crash.
 */
import type { AppSpec, CanaryPlanKey, Method, Params } from '../protocol/index.js';
import { canaryField } from '../config/canary-plan.js';
import { CANARY_PLAN_KEYS, HotctlError, isReloadStrategy, LOG_STREAMS, MAX_LOG_LINES, RELOAD_STRATEGIES, SUBSCRIPTION_TOPICS } from '../protocol/index.js';
import { checkSpecs } from './spec-check.js';

type Shape = 'string' | 'boolean' | 'number' | 'count' | 'ms' | 'percent' | 'lines' | 'strategy' | 'specs' | 'spec' | 'topics' | 'names' | 'stream' | 'plan';

const SHAPES: { [M in Method]: Record<string, { shape: Shape; required?: boolean }> } = {
  hello: { client_version: { shape: 'string', required: true }, protocol: { shape: 'number', required: true } },
  status: {},
  start: { apps: { shape: 'specs', required: true }, follow: { shape: 'boolean' } },
  reload: {
    name: { shape: 'string', required: true },
    spec: { shape: 'spec' },
    follow: { shape: 'boolean' },
    wait: { shape: 'boolean' },
    strategy: { shape: 'strategy' },
    batch: { shape: 'count' },
    canary: { shape: 'count' },
    canary_share: { shape: 'percent' },
    auto: { shape: 'plan' },
    rollback_window: { shape: 'ms' },
  },
  promote: { name: { shape: 'string', required: true }, follow: { shape: 'boolean' }, wait: { shape: 'boolean' } },
  rollback: { name: { shape: 'string', required: true }, to: { shape: 'count' }, force: { shape: 'boolean' }, follow: { shape: 'boolean' }, wait: { shape: 'boolean' } },
  scale: { name: { shape: 'string', required: true }, instances: { shape: 'count', required: true }, follow: { shape: 'boolean' }, wait: { shape: 'boolean' } },
  history: { name: { shape: 'string', required: true } },
  apply: { apps: { shape: 'specs', required: true }, prune: { shape: 'boolean' }, dry_run: { shape: 'boolean' }, follow: { shape: 'boolean' }, wait: { shape: 'boolean' }, changed_only: { shape: 'boolean' }, update_env: { shape: 'boolean' } },
  restart: { name: { shape: 'string', required: true }, follow: { shape: 'boolean' }, wait: { shape: 'boolean' }, spec: { shape: 'spec' } },
  stop: { name: { shape: 'string', required: true }, follow: { shape: 'boolean' }, wait: { shape: 'boolean' } },
  delete: { name: { shape: 'string', required: true }, follow: { shape: 'boolean' }, wait: { shape: 'boolean' } },
  operation: { id: { shape: 'string', required: true } },
  subscribe: { topics: { shape: 'topics', required: true }, apps: { shape: 'names' } },
  logs: { app: { shape: 'string' }, lines: { shape: 'lines' }, stream: { shape: 'stream' } },
  flush: { app: { shape: 'string' } },
  save: {},
  resurrect: { follow: { shape: 'boolean' } },
  signal: { name: { shape: 'string', required: true }, signal: { shape: 'string', required: true } },
  kill: {},
  handoff: { entry: { shape: 'string', required: true }, exec_path: { shape: 'string', required: true }, timeout_ms: { shape: 'count', required: true } },
};

/**
 * A request's `after_hello: true` (docs/protocol.md, "One round trip") taken out of its params:
 * it belongs to the connection, not to any method, and checkParams refuses it as it always did.
 */
export function splitAfterHello(params: unknown): { afterHello: boolean; params: unknown } {
  if (typeof params !== 'object' || params === null || (params as { after_hello?: unknown }).after_hello !== true) return { afterHello: false, params };
  const { after_hello: _gate, ...rest } = params as Record<string, unknown>;
  return { afterHello: true, params: rest };
}

export function checkParams<M extends Method>(method: M, params: unknown): Params<M> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new HotctlError('E_PROTOCOL', `"params" of ${method} must be an object.`);
  }
  const fields = SHAPES[method];
  const given = params as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in fields)) throw new HotctlError('E_PROTOCOL', `Unknown parameter "${key.slice(0, 50)}" for ${method}.`);
  }
  for (const [key, rule] of Object.entries(fields)) {
    const value = given[key];
    if (value === undefined) {
      if (rule.required) throw new HotctlError('E_PROTOCOL', `${method} needs "${key}".`);
      continue;
    }
    if (!matches(rule.shape, value)) throw new HotctlError('E_PROTOCOL', `"${key}" of ${method} must be ${describe(rule.shape)}.`);
  }
  // Specs: the same validation and normalisation as the CLI's, so a handler sees whole specs only.
  const out: Record<string, unknown> = { ...given };
  for (const [key, rule] of Object.entries(fields)) {
    if (out[key] === undefined) continue;
    if (rule.shape === 'specs') out[key] = checkSpecs(out[key] as AppSpec[]);
    else if (rule.shape === 'spec') out[key] = checkSpecs([out[key] as AppSpec])[0];
  }
  return out as Params<M>;
}

function matches(shape: Shape, value: unknown): boolean {
  switch (shape) {
    case 'string':
      return typeof value === 'string' && value.length > 0 && value.length <= 4096;
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
    case 'ms':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    case 'percent':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 100;
    case 'lines':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_LOG_LINES;
    case 'strategy':
      return isReloadStrategy(value);
    case 'stream':
      return (LOG_STREAMS as readonly unknown[]).includes(value);
    case 'spec':
      return isSpecLike(value);
    case 'specs':
      return Array.isArray(value) && value.length > 0 && value.length <= 1000 && value.every(isSpecLike);
    case 'topics':
      return Array.isArray(value) && value.every((t) => (SUBSCRIPTION_TOPICS as readonly unknown[]).includes(t));
    case 'names':
      return Array.isArray(value) && value.length <= 1000 && value.every((n) => typeof n === 'string' && n.length > 0 && n.length <= 200);
    case 'plan':
      return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.entries(value).every(([k, v]) => Object.hasOwn(CANARY_PLAN_KEYS, k) && canaryField(k as CanaryPlanKey, v) !== undefined);
  }
}

function describe(shape: Shape): string {
  return {
    string: 'a non-empty string',
    boolean: 'true or false',
    number: 'a number',
    count: 'a whole number ≥ 1',
    ms: 'a whole number of milliseconds ≥ 0',
    percent: 'a percentage above 0 and below 100',
    lines: `a whole number from 0 to ${MAX_LOG_LINES}`,
    strategy: oneOf(RELOAD_STRATEGIES),
    stream: oneOf(LOG_STREAMS),
    spec: 'an app spec object',
    specs: 'a non-empty list of app specs',
    topics: `a list of topics (${SUBSCRIPTION_TOPICS.join(', ')})`,
    names: 'a list of app names',
    plan: `an object of canary plan fields (${Object.keys(CANARY_PLAN_KEYS).join(', ')}), shares in percent and durations in ms`,
  }[shape];
}

/** `"surge", "rolling" or "stop-first"`. */
function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function isSpecLike(value: unknown): value is AppSpec {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as AppSpec).name === 'string' && typeof (value as AppSpec).script === 'string';
}
