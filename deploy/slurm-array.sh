#!/bin/bash
# sbatch --array=0-7 deploy/slurm-array.sh photos.json
#SBATCH --job-name=sluice
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=16
#SBATCH --requeue
set -euo pipefail
pipeline=${1:?usage: slurm-array.sh PIPELINE.json}
shard=${SLURM_ARRAY_TASK_ID}
count=${SLURM_ARRAY_TASK_COUNT}
# Each task writes its own output file (SHARD in the sink path); a requeued task resumes it.
# The per-task copy sits beside the original so relative paths in it still resolve.
copy="$(dirname "$pipeline")/.sluice-shard-${shard}.json"
sed "s/SHARD/${shard}/g" "$pipeline" > "$copy"
exec sluice run "$copy" --shard "${shard}/${count}" --resume --quiet
