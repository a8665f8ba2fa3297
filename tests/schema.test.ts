// The scenario JSON Schema (public/scenario.schema.json): generated from the key table, current, and
// checked with a well-kept validator (Ajv, draft 2020-12) against every preset; a scenario that names it
// with `$schema` runs.
import Ajv2020 from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/model/jsonSchema.ts';
import { resolveScenario, ScenarioError } from '../src/model/scenario.ts';
import { SCENARIO_KEYS } from '../src/model/schema.ts';
import { createGpuBatch, createSimulation } from '../src/sim/simulation.ts';

const shipped = JSON.parse(readFileSync('public/scenario.schema.json', 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(shipped);
const presetFiles = readdirSync('public/scenarios').filter((f) => f.endsWith('.json'));

describe('public/scenario.schema.json', () => {
  it('is what the key table generates (regenerate: npx tsx scripts/scenario-schema.ts)', () => {
    expect(shipped).toEqual(scenarioJsonSchema());
  });

  it.each(presetFiles)('%s validates against it and names it with $schema', (file) => {
    const preset = JSON.parse(readFileSync(`public/scenarios/${file}`, 'utf8'));
    expect(preset.$schema).toBe('../scenario.schema.json');
    expect(validate(preset), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('every key default validates; an unknown key, a wrong type, an out-of-range value and a bad enum do not', () => {
    const defaults: Record<string, Record<string, unknown>> = {};
    for (const k of SCENARIO_KEYS) {
      const [section, name] = k.key.split('.');
      (defaults[section] ??= {})[name] = k.default;
    }
    expect(validate(defaults), ajv.errorsText(validate.errors)).toBe(true);
    const bad = [
      { grid: { nz: 4 } },
      { grid: { nx: 'abc' } },
      { grid: { nx: 4.5 } },
      { grid: { dx_um: 0 } },
      { electrolyte: { transference_number: 1.5 } },
      { drive: { mode: 'pulsed' } },
      { preset: 'no-such-preset' },
      { gird: {} },
    ];
    for (const s of bad) {
      expect(validate(s), JSON.stringify(s)).toBe(false);
      // the simulator's own validator refuses the same files
      expect(() => resolveScenario(s), JSON.stringify(s)).toThrow(ScenarioError);
    }
  });

  it('a Simulation built from a scenario object refuses an out-of-range key by name (before it allocates)', async () => {
    // a metrics interval past its bound once made the GPU backend encode a million steps at once and run out of memory
    for (const backend of ['cpu', 'gpu'] as const) {
      const s = resolveScenario({ grid: { nx: 16, ny: 16 } });
      s.run = { ...s.run, metrics_every_steps: 1_000_000 };
      const err = await createSimulation(s, { backend }).catch((e: unknown) => e);
      expect(err, backend).toBeInstanceOf(ScenarioError);
      expect((err as ScenarioError).key).toBe('run.metrics_every_steps');
      expect((err as Error).message).toMatch(/1000000.*4096/);
    }
    const s = resolveScenario({ grid: { nx: 16, ny: 16 } });
    s.run = { ...s.run, metrics_every_steps: 1_000_000 };
    const err = await createGpuBatch([s]).catch((e: unknown) => e);
    expect((err as ScenarioError).key, 'createGpuBatch').toBe('run.metrics_every_steps');
  });

  it('a scenario with $schema resolves as the same scenario without it; a non-string $schema is refused', () => {
    const s = { grid: { nx: 32, ny: 32 }, run: { until_s: 1 } };
    expect(resolveScenario({ $schema: '../scenario.schema.json', ...s })).toEqual(resolveScenario(s));
    expect(() => resolveScenario({ $schema: 3, ...s })).toThrow(/\$schema.*a string/);
  });
});
