// What a run keeps in its DIR besides the results: run.json (how it was started, so `--resume DIR`
// needs nothing else), checkpoint.bin (the last checkpoint) and the VTK field series. Every file is
// written atomically, so a kill at any moment leaves the previous version or the new one.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomic } from '../io/atomic.ts';
import { fieldsVti, pvdDocument } from '../io/vti.ts';
import type { BackendChoice } from '../sim/backendChoice.ts';
import type { Checkpoint, Fields } from '../sim/types.ts';

export const RUN_STATE_FILE = 'run.json';
export const CHECKPOINT_FILE = 'checkpoint.bin';
export const FIELDS_DIR = 'fields';
export const PVD_FILE = 'fields.pvd';

/** run.json: the run's command line, resolved. */
export interface RunState {
  version: 1;
  /** the scenario argument as given (a preset name or a path) */
  scenario_arg: string;
  name: string;
  backend: BackendChoice;
  fields_every_s: number | null;
  checkpoint_every_s: number | null;
}

/**
 * checkpoint.bin: the Simulation's checkpoint and the field-series segment it was taken in, as V8's
 * structured-clone serialisation (typed arrays and Infinity survive; readable by the same Node major).
 */
interface CheckpointFile {
  version: 1;
  /** the run was heading for field snapshot `segment` (snapshots 0 … segment − 1 were written) */
  segment: number;
  checkpoint: Checkpoint;
}

export class RunDirError extends Error {}

export async function writeRunState(dir: string, state: RunState): Promise<void> {
  await writeFileAtomic(join(dir, RUN_STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}

export function readRunState(dir: string): RunState {
  const path = join(dir, RUN_STATE_FILE);
  if (!existsSync(path)) throw new RunDirError(`--resume: '${dir}' has no ${RUN_STATE_FILE}: it is not a run directory written by \`dendrite run\``);
  const state = JSON.parse(readFileSync(path, 'utf8')) as RunState;
  if (state.version !== 1) throw new RunDirError(`--resume: ${path} has version ${String(state.version)}; this build reads version 1`);
  return state;
}

export async function writeCheckpointFile(dir: string, checkpoint: Checkpoint, segment: number): Promise<void> {
  const file: CheckpointFile = { version: 1, segment, checkpoint };
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), serialize(file));
}

/** The last checkpoint in DIR, or undefined when the run was killed before its first. */
export function readCheckpointFile(dir: string): { checkpoint: Checkpoint; segment: number } | undefined {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  let file: CheckpointFile;
  try {
    file = deserialize(readFileSync(path)) as CheckpointFile;
  } catch (e) {
    throw new RunDirError(`--resume: ${path} cannot be read (${e instanceof Error ? e.message : String(e)}); it was written by another Node version, or damaged`);
  }
  if (file?.version !== 1) throw new RunDirError(`--resume: ${path} has version ${String(file?.version)}; this build reads version 1`);
  return { checkpoint: file.checkpoint, segment: file.segment };
}

/**
 * The VTK time series: DIR/fields/fields_NNNNN.vti, one per snapshot, and DIR/fields.pvd listing
 * them, rewritten after each snapshot so ParaView can open the series while the run goes on.
 */
export class FieldSeries {
  private entries: { time_s: number; file: string }[] = [];

  constructor(
    readonly dir: string,
    readonly c0_mol_L: number,
  ) {}

  static fileOf(k: number): string {
    return `${FIELDS_DIR}/fields_${String(k).padStart(5, '0')}.vti`;
  }

  /** Keeps snapshots 0 … k − 1 (those a checkpoint in segment k had seen) and removes later ones. */
  resetTo(k: number): void {
    mkdirSync(join(this.dir, FIELDS_DIR), { recursive: true });
    this.entries = [];
    for (const name of readdirSync(join(this.dir, FIELDS_DIR))) {
      const m = /^fields_(\d{5})\.vti$/.exec(name);
      if (m && Number(m[1]) >= k) rmSync(join(this.dir, FIELDS_DIR, name), { force: true });
    }
    for (let i = 0; i < k; i++) {
      const file = FieldSeries.fileOf(i);
      const text = readFileSync(join(this.dir, file), 'utf8');
      const time = /Name="TimeValue"[^>]*>([^<]+)</.exec(text)?.[1];
      if (time === undefined) throw new RunDirError(`--resume: ${file} has no TimeValue`);
      this.entries.push({ time_s: Number(time), file });
    }
  }

  /** time of the last snapshot [s] (−∞ before the first) */
  get lastTime(): number {
    return this.entries.at(-1)?.time_s ?? -Infinity;
  }

  get count(): number {
    return this.entries.length;
  }

  async write(k: number, fields: Fields, time_s: number): Promise<void> {
    if (k !== this.entries.length) throw new Error(`FieldSeries: snapshot ${k} written after ${this.entries.length}`);
    const file = FieldSeries.fileOf(k);
    mkdirSync(join(this.dir, FIELDS_DIR), { recursive: true });
    await writeFileAtomic(join(this.dir, file), fieldsVti(fields, this.c0_mol_L, time_s));
    this.entries.push({ time_s, file });
    await writeFileAtomic(join(this.dir, PVD_FILE), pvdDocument(this.entries));
  }
}
