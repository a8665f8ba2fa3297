// The README's generated reference tables (scripts/scenario-keys-table.ts) must be what the code prints:
// a key, default, limit or preset changed in the code and not regenerated in the README fails here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const table = (args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/scenario-keys-table.ts', ...args], { encoding: 'utf8' }).trim();

describe('README tables generated from the code', () => {
  it.each([
    ['scenario keys', []],
    ['presets', ['--presets']],
  ] as const)('%s: the README holds the table scripts/scenario-keys-table.ts prints', (_what, args) => {
    const printed = table([...args]);
    expect(printed.split('\n').length).toBeGreaterThan(10);
    expect(readme.includes(printed), `regenerate with: npx tsx scripts/scenario-keys-table.ts ${args.join(' ')}`).toBe(true);
  });
});
