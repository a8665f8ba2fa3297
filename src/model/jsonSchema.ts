// A JSON Schema (draft 2020-12) for scenario files, generated from the key table (src/model/schema.ts)
// so editors complete and check scenario files. Shipped as public/scenario.schema.json
// (`npx tsx scripts/scenario-schema.ts` writes it; tests/schema.test.ts checks it is current) and
// referenced from each preset by `$schema`. The validator (src/model/scenario.ts) stays the authority:
// it also checks the rules across keys that a schema cannot state.

import { PRESETS } from './presets.ts';
import { SCENARIO_KEYS, type KeySpec } from './schema.ts';

type JsonSchema = Record<string, unknown>;

function keySchema(k: KeySpec): JsonSchema {
  const s: JsonSchema = { description: k.source ? `${k.description} (source: ${k.source})` : k.description, default: k.default };
  switch (k.type) {
    case 'number':
    case 'integer':
      s.type = k.type;
      if (k.min !== undefined) s[k.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = k.min;
      if (k.max !== undefined) s[k.exclusiveMax ? 'exclusiveMaximum' : 'maximum'] = k.max;
      break;
    case 'string':
      s.type = 'string';
      if (k.values) s.enum = [...k.values];
      break;
    case 'boolean':
      s.type = 'boolean';
      break;
  }
  return s;
}

export function scenarioJsonSchema(): JsonSchema {
  const sections = new Map<string, Record<string, JsonSchema>>();
  for (const k of SCENARIO_KEYS) {
    const [section, name] = k.key.split('.');
    if (!sections.has(section)) sections.set(section, {});
    sections.get(section)![name] = keySchema(k);
  }
  const properties: Record<string, JsonSchema> = {
    $schema: { type: 'string', description: 'the schema this file follows (ignored by the simulator)' },
    preset: { enum: Object.keys(PRESETS), description: 'start from this built-in scenario; the sections below override its keys' },
  };
  for (const [section, props] of sections) {
    properties[section] = { type: 'object', properties: props, additionalProperties: false };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Dendrite Lab scenario',
    description: 'A scenario for `dendrite run`: sections of keys, every key optional (defaults in docs/reference/scenario-keys.md). Generated from src/model/schema.ts.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}
