// `dendrite` entry: parse the command line and dispatch. Returns the process exit code.
// Sub-commands are imported lazily so `--help` and argument errors need neither the model nor
// WebGPU.

import { ArgsError, parseArgs, USAGE } from './args.ts';

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof ArgsError) {
      process.stderr.write(`dendrite: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  try {
    switch (parsed.command) {
      case 'help':
        process.stderr.write(`${USAGE}\n`);
        return 2;
      case 'presets': {
        const { presetsCommand } = await import('./commands.ts');
        return await presetsCommand();
      }
      case 'bench': {
        const { benchCommand } = await import('./commands.ts');
        return await benchCommand(parsed.rest);
      }
      case 'run': {
        const { runCommand } = await import('./commands.ts');
        return await runCommand(parsed);
      }
    }
  } catch (e) {
    process.stderr.write(`dendrite: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
