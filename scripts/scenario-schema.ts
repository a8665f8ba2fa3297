// Writes public/scenario.schema.json from the key table: npx tsx scripts/scenario-schema.ts
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from '../src/model/jsonSchema.ts';

writeFileSync(new URL('../public/scenario.schema.json', import.meta.url), JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
