// Runs a TypeScript entry (argv[2]) with the loaders the CLI uses: tsx for TypeScript, bin/raw-loader.mjs for WGSL.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
register('../bin/raw-loader.mjs', import.meta.url);
registerTsx();
await import(pathToFileURL(process.argv[2]).href);
