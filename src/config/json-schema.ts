/**
 * The published JSON Schema of ecosystem files (schema/ecosystem.schema.json), generated from
 * the app schema so that editors, validation and types never disagree.
 */
import type { CanaryPlanKey, KeyDef } from '../protocol/index.js';
import { APP_KEYS, CANARY_PLAN_KEYS, PM2_UNSUPPORTED_KEYS } from '../protocol/index.js';
import { DURATION_PATTERN } from './normalize.js';
import type { Pm2Key } from './pm2-keys.js';
import { PM2_KEYS, PM2_TOP_LEVEL_KEYS } from './pm2-keys.js';

type Json = Record<string, unknown>;

function keySchema(def: KeyDef): Json {
  const base: Json = { description: def.description };
  if (def.default !== undefined) base.default = def.default;
  switch (def.kind) {
    case 'string':
      return { ...base, type: 'string', minLength: 1, ...(def.pattern ? { pattern: def.pattern } : {}) };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'integer': {
      const integer = { type: 'integer', ...(def.min !== undefined ? { minimum: def.min } : {}) };
      return def.unit === 'ms' ? { ...base, oneOf: [integer, { type: 'string', pattern: DURATION_PATTERN.source }] } : { ...base, ...integer };
    }
    case 'string-list':
      return { ...base, oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
    case 'env':
      return { ...base, ...envSchema() };
    case 'instances':
      return { ...base, oneOf: [{ type: 'integer' }, { const: 'max' }, { type: 'string', pattern: '^-?\\d+$' }] };
    case 'memory':
      return { ...base, oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*[BbKkMmGg]?[Bb]?\\s*$' }] };
    case 'watch':
      return { ...base, oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'array', items: { type: 'string' } }] };
    case 'enum':
      return { ...base, enum: [...(def.values ?? [])] };
    case 'integer-list':
      return { ...base, oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] };
    case 'boolean-or-string':
      return { ...base, oneOf: [{ type: 'boolean' }, { type: 'string', minLength: 1 }] };
    case 'boolean-or-strings':
      return { ...base, oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'array', items: { type: 'string' } }] };
    case 'canary-plan':
      return { ...base, ...canaryPlanSchema() };
  }
}

function canaryPlanSchema(): Json {
  const duration = (minimum: number) => ({ oneOf: [{ type: 'integer', minimum }, { type: 'string', pattern: DURATION_PATTERN.source }] });
  const share = { oneOf: [{ type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*%\\s*$' }, { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100 }] };
  const fields: Record<CanaryPlanKey, Json> = {
    steps: { type: 'array', minItems: 1, items: share },
    step_interval: duration(100),
    max_error_rate: { type: 'number', minimum: 0, maximum: 1 },
    max_p99_ratio: { type: 'number', exclusiveMinimum: 0 },
    min_requests: { type: 'integer', minimum: 0 },
    max_step_interval: duration(100),
    max_event_loop_delay_ms: { type: 'number', exclusiveMinimum: 0 },
  };
  const properties: Json = {};
  for (const [key, def] of Object.entries(CANARY_PLAN_KEYS) as [CanaryPlanKey, { default: unknown; description: string }][]) {
    properties[key] = { description: def.description, ...(def.default === null ? {} : { default: def.default }), ...fields[key] };
  }
  return { type: 'object', properties, additionalProperties: false };
}

function envSchema(): Json {
  // Objects and lists are passed as their JSON text, as PM2 does.
  return { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'object', 'array', 'null'] } };
}

export function buildJsonSchema(): Json {
  const properties: Json = {};
  for (const [key, def] of Object.entries(APP_KEYS) as [string, KeyDef][]) properties[key] = keySchema(def);
  for (const key of PM2_UNSUPPORTED_KEYS) properties[key] = { description: 'A PM2 key hotctl does not support: accepted with a warning, ignored.' };
  for (const [key, row] of Object.entries(PM2_KEYS as Record<string, Pm2Key>)) {
    if (key in properties) continue;
    properties[key] = { description: row.treatment === 'alias' ? `PM2 alias of \`${row.target}\`.` : `PM2 key (${row.treatment}): ${row.note}.` };
  }
  const required = (Object.entries(APP_KEYS) as [string, KeyDef][]).filter(([k, d]) => d.required && k !== 'name').map(([k]) => k); // name: PM2's default, the script's
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'hotctl ecosystem file',
    type: 'object',
    properties: {
      $schema: { type: 'string' },
      apps: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required,
          properties,
          patternProperties: {
            '^env_[A-Za-z0-9_-]+$': { description: 'Env merged over `env` with `--env <name>`.', ...envSchema() },
            '^[a-z][a-z0-9]*([A-Z][a-z0-9]*)+$': { description: 'A key in camelCase, read as its snake_case key (as PM2 does).' },
          },
          additionalProperties: false,
        },
      },
      deploy: { description: 'PM2 deployment: accepted with a warning, ignored.' },
      static: { description: PM2_TOP_LEVEL_KEYS.static.note },
    },
    required: ['apps'],
    additionalProperties: false,
  };
}
