#!/usr/bin/env bash
# The optimizer benchmark on a Slurm cluster: one array task per trial, the tuning trials
# first, the final ones in a second array that starts when the first has finished.
#
#   tools/slurm_benchmark.sh RESULTS_DIR [benchmark plan options...]
#   tools/slurm_benchmark.sh /shared/bench --quick          # e.g.
#
# RESULTS_DIR must be on a file system every node sees. The program is built here first
# (cargo build --release --example benchmark); the nodes run that binary. When both arrays
# are done: target/release/examples/benchmark report RESULTS_DIR
# Extra sbatch options (partition, account, time) go in SBATCH_OPTIONS.
set -euo pipefail

if [[ $# -lt 1 || "$1" == -* ]]; then
    echo "usage: $0 RESULTS_DIR [benchmark plan options...]" >&2
    exit 2
fi
dir=$1
shift
cd "$(dirname "$0")/.."
cargo build --release --example benchmark
program=target/release/examples/benchmark

"$program" plan --out-dir "$dir" --phase tune "$@" > "$dir.tune.txt"
"$program" plan --out-dir "$dir" --phase final "$@" > "$dir.final.txt"
tune=$(wc -l < "$dir.tune.txt")
final=$(wc -l < "$dir.final.txt")

# Each task runs line $SLURM_ARRAY_TASK_ID of its list; one core per trial (the plan's
# --threads, 1 by default).
submit() {
    local list=$1 count=$2
    shift 2
    # shellcheck disable=SC2086
    sbatch --parsable --array="1-$count" --cpus-per-task=1 ${SBATCH_OPTIONS:-} "$@" \
        --wrap "eval \"\$(sed -n \"\${SLURM_ARRAY_TASK_ID}p\" '$list')\""
}
first=$(submit "$dir.tune.txt" "$tune" --job-name=benchmark-tune)
second=$(submit "$dir.final.txt" "$final" --job-name=benchmark-final --dependency="afterok:$first")
echo "submitted $tune tuning trials (job $first) and $final final trials (job $second, after $first)"
echo "then: $program report $dir"
