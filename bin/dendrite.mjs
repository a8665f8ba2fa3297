#!/usr/bin/env node
// Entry point of the `dendrite` CLI: TypeScript sources run through tsx, WGSL through raw-loader.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

register('./raw-loader.mjs', import.meta.url);
registerTsx();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
