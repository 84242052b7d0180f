#!/usr/bin/env node
// Writes schema/ecosystem.schema.json from the app schema (src/protocol/app-spec.ts).
import { writeFileSync } from 'node:fs';
import { buildJsonSchema } from '../dist/src/config/json-schema.js';

writeFileSync(new URL('../schema/ecosystem.schema.json', import.meta.url), `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
