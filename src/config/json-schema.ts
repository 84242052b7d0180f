/**
 * The published JSON Schema of ecosystem files (schema/ecosystem.schema.json), generated from
 * the app schema so that editors, validation and types never disagree.
 */
import type { KeyDef } from '../protocol/index.js';
import { APP_KEYS, PM2_UNSUPPORTED_KEYS } from '../protocol/index.js';
import { DURATION_PATTERN } from './normalize.js';

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
      return { ...base, oneOf: [{ type: 'integer', minimum: -1 }, { const: 'max' }, { type: 'string', pattern: '^-?\\d+$' }] };
    case 'memory':
      return { ...base, oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*[BbKkMmGg]?[Bb]?\\s*$' }] };
    case 'watch':
      return { ...base, oneOf: [{ type: 'boolean' }, { type: 'array', items: { type: 'string' } }] };
    case 'enum':
      return { ...base, enum: [...(def.values ?? [])] };
    case 'boolean-or-string':
      return { ...base, oneOf: [{ type: 'boolean' }, { type: 'string', minLength: 1 }] };
    case 'boolean-or-strings':
      return { ...base, oneOf: [{ type: 'boolean' }, { type: 'string' }, { type: 'array', items: { type: 'string' } }] };
  }
}

function envSchema(): Json {
  return { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
}

export function buildJsonSchema(): Json {
  const properties: Json = {};
  for (const [key, def] of Object.entries(APP_KEYS) as [string, KeyDef][]) properties[key] = keySchema(def);
  for (const key of PM2_UNSUPPORTED_KEYS) properties[key] = { description: 'A PM2 key hotctl does not support: accepted with a warning, ignored.' };
  const required = (Object.entries(APP_KEYS) as [string, KeyDef][]).filter(([, d]) => d.required).map(([k]) => k);
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
          patternProperties: { '^env_[A-Za-z0-9_-]+$': { description: 'Env merged over `env` with `--env <name>`.', ...envSchema() } },
          additionalProperties: false,
        },
      },
      deploy: { description: 'PM2 deployment: accepted with a warning, ignored.' },
    },
    required: ['apps'],
    additionalProperties: false,
  };
}
