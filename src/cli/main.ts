// `dendrite` entry: parse the command line and dispatch. Returns the process exit code.
// Sub-commands are imported lazily so `--help`, `--version` and argument errors need neither the
// model nor WebGPU. Help and the version go to stdout (exit 0); usage after an error to stderr (2).

import { ArgsError, parseArgs, usageOf } from './args.ts';

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof ArgsError) {
      process.stderr.write(`dendrite: ${e.message}\n\n${usageOf(e.topic)}\n`);
      return 2;
    }
    throw e;
  }
  try {
    switch (parsed.command) {
      case 'help':
        process.stdout.write(`${usageOf(parsed.topic)}\n`);
        return 0;
      case 'version': {
        const { versionLine } = await import('./version.ts');
        process.stdout.write(`${versionLine()}\n`);
        return 0;
      }
      case 'presets': {
        const { presetsCommand } = await import('./commands.ts');
        return await presetsCommand(parsed.json);
      }
      case 'check': {
        const { checkCommand } = await import('./commands.ts');
        return await checkCommand(parsed);
      }
      case 'bench': {
        const { benchCommand } = await import('./commands.ts');
        return await benchCommand(parsed);
      }
      case 'compare': {
        const { compareCommand } = await import('../sweep/compare.ts');
        return await compareCommand(parsed);
      }
      case 'sweep': {
        const { sweepCommand } = await import('../sweep/commands.ts');
        return await sweepCommand(parsed);
      }
      case 'sweep-merge': {
        const { sweepMergeCommand } = await import('../sweep/commands.ts');
        return await sweepMergeCommand(parsed);
      }
      case 'sweep-plot': {
        const { sweepPlotCommand } = await import('../sweep/commands.ts');
        return await sweepPlotCommand(parsed);
      }
      case 'run':
      case 'resume': {
        const { runCommand } = await import('./commands.ts');
        return await runCommand(parsed);
      }
    }
  } catch (e) {
    process.stderr.write(`dendrite: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
