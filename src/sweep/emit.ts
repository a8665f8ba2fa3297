// Cluster job files for a sweep: a SLURM job array and a Kubernetes Indexed Job, one shard per task.
// A task that is requeued, retried or resubmitted runs the same command: finished runs are skipped
// and a partial run goes on from its checkpoint, so nothing is lost or done twice.

import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmitOptions {
  /** absolute path of the spec and the sweep folder */
  spec: string;
  out: string;
  /** shards = array tasks = Job completions */
  shards: number;
  /** tasks at once (default: all) */
  parallel?: number;
  backend: 'auto' | 'gpu' | 'cpu';
  runs: number;
}

/** bin/dendrite.mjs of this checkout: the script runs the code it was emitted from. */
const BIN = resolve(fileURLToPath(new URL('../../bin/dendrite.mjs', import.meta.url)));

/** Checkpoints every 5 minutes of wall time, and SIGTERM two minutes before the limit to write one. */
const CHECKPOINT_S = 300;
const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export function emitSlurm(o: EmitOptions): string {
  const gpu = o.backend === 'gpu';
  const throttle = o.parallel ? `%${o.parallel}` : '';
  return `#!/bin/bash
# dendrite sweep as a SLURM job array: ${o.runs} runs in ${o.shards} shards, one shard per task.
# Submit: sbatch THIS_FILE. Resubmitting it (or a requeue) skips finished runs and resumes partial
# ones from their checkpoints. Shards write into one folder without clobbering; runs.csv and
# montage.png are rebuilt from the run folders (\`dendrite sweep merge DIR --out DIR\` refreshes them).
#SBATCH --job-name=dendrite-sweep
#SBATCH --array=0-${o.shards - 1}${throttle}
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=dendrite-sweep-%A_%a.out
#SBATCH --signal=B:TERM@120
#SBATCH --time=04:00:00
${gpu ? '#SBATCH --gres=gpu:1\n#SBATCH --cpus-per-task=2' : '#SBATCH --cpus-per-task=1'}
set -euo pipefail
# exec: the SIGTERM before the time limit reaches dendrite, which checkpoints the run in progress
exec node ${q(BIN)} sweep ${q(o.spec)} --out ${q(o.out)} --shard "\${SLURM_ARRAY_TASK_ID}/${o.shards}" --backend ${o.backend} --checkpoint-every-s ${CHECKPOINT_S}
`;
}

/** YAML via JSON scalars (JSON is YAML), so every string is quoted safely. */
export function emitK8s(o: EmitOptions): string {
  const gpu = o.backend === 'gpu';
  const spec = `/sweep/${basename(o.spec)}`;
  const out = `/sweep/${basename(o.out)}`;
  const cmd = `exec npx dendrite sweep "$SPEC" --out "$OUT" --shard "$JOB_COMPLETION_INDEX/${o.shards}" --backend ${o.backend} --checkpoint-every-s ${CHECKPOINT_S}`;
  const j = JSON.stringify;
  return `# dendrite sweep as a Kubernetes Indexed Job: ${o.runs} runs in ${o.shards} shards, one per completion index.
# Put ${j(basename(o.spec))} (and any scenario file it names) in the volume claim "dendrite-sweep"; the
# results go to ${out} there. The image is this repository with \`npm ci\` done. A retried pod skips
# finished runs and resumes partial ones from their checkpoints. Apply: kubectl apply -f THIS_FILE
apiVersion: batch/v1
kind: Job
metadata:
  name: dendrite-sweep
spec:
  completionMode: Indexed
  completions: ${o.shards}
  parallelism: ${o.parallel ?? o.shards}
  backoffLimit: ${3 * o.shards}
  template:
    spec:
      restartPolicy: OnFailure
      terminationGracePeriodSeconds: 120
      containers:
        - name: dendrite
          image: "dendrite-lab:latest"
          workingDir: "/app"
          command: ["sh", "-c", ${j(cmd)}]
          env:
            - name: SPEC
              value: ${j(spec)}
            - name: OUT
              value: ${j(out)}
${gpu ? '          resources:\n            limits:\n              nvidia.com/gpu: 1\n' : ''}          volumeMounts:
            - name: sweep
              mountPath: "/sweep"
      volumes:
        - name: sweep
          persistentVolumeClaim:
            claimName: dendrite-sweep
`;
}
