#!/usr/bin/env bash
# Whole-process check: `./attention4j attend --scorer scaled-dot` on query = keys = values [N, D]
# float32 .npy against numpy's blocked SDPA (sdpa_npy.py) on the same file, each timed as a whole
# process (JVM or Python start-up, load, compute, write), REPEATS times, then the two outputs compared.
# SCORER=additive (hidden size H, default 64) compares `attend --scorer additive --params P` with
# additive_npy.py instead, on seeded parameters W_q, W_k [H, D], v, b [H] written to P.
#   attention-bench/peers/whole_process.sh [N] [D] [REPEATS] [WORK_DIR]     (defaults 32768 64 3)
#   SCORER=additive attention-bench/peers/whole_process.sh 8192 64
# Threads: the CLI's simd kernels use all cores (attention4j.simd.threads unset); numpy gets
# OPENBLAS_NUM_THREADS=${NUMPY_THREADS:-2}. The launcher is built first (untimed) if out of date.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${1:-32768}; D=${2:-64}; REPEATS=${3:-3}
WORK=${4:-$ROOT/attention-bench/target/whole-process}
mkdir -p "$WORK"
DATA="$WORK/x-${N}x${D}.npy"
python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(7).standard_normal((int(sys.argv[2]), int(sys.argv[3]))).astype(np.float32))" "$DATA" "$N" "$D"
"$ROOT/attention4j" --version >/dev/null   # builds on first use; not timed
SCORER=${SCORER:-scaled-dot}
if [ "$SCORER" = additive ]; then
  PARAMS="$WORK/additive-h${H:-64}-d${D}.safetensors"
  python3 - "$PARAMS" "${H:-64}" "$D" "$ROOT/scripts/fixtures" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[4])
from safetensors_np import write_safetensors
h, d = int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(11)
write_safetensors(sys.argv[1], [("W_q", rng.standard_normal((h, d)) / np.sqrt(d)), ("W_k", rng.standard_normal((h, d)) / np.sqrt(d)),
                                ("v", rng.standard_normal(h) / np.sqrt(h)), ("b", 0.1 * rng.standard_normal(h))], dtype="<f4")
PY
  OURS=(attend --scorer additive --params "$PARAMS")
  PEER=(python3 "$ROOT/attention-bench/peers/additive_npy.py" "$DATA" "$DATA" "$DATA" "$PARAMS" "$WORK/numpy.npy")
else
  OURS=(attend --scorer scaled-dot)
  PEER=(python3 "$ROOT/attention-bench/peers/sdpa_npy.py" "$DATA" "$DATA" "$DATA" "$WORK/numpy.npy")
fi

# "wall user+sys" seconds of one process (bash's time keyword; the command's own output is dropped).
# CPU seconds are printed too: under load from other work the wall time stretches, CPU time much less.
seconds() { local TIMEFORMAT='%R %U %S' t; t=$( { time "$@" >/dev/null 2>&1; } 2>&1 ); awk '{printf "%.2f s wall, %.2f s cpu", $1, $2 + $3}' <<<"$t"; }
echo "$SCORER N=$N D=$D, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$REPEATS"); do
  a=$(ATTENTION4J_NO_BUILD=1 seconds "$ROOT/attention4j" "${OURS[@]}" --query "$DATA" --keys "$DATA" --values "$DATA" --out "$WORK/ours.npy")
  b=$(OPENBLAS_NUM_THREADS=${NUMPY_THREADS:-2} seconds "${PEER[@]}")
  echo "run $r: attention4j ${a}; numpy ${b}; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 - "$WORK/ours.npy" "$WORK/numpy.npy" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
print(f"outputs {a.shape} {a.dtype}: max |attention4j - numpy| = {np.abs(a.astype(np.float64) - b).max():.3g}")
PY
