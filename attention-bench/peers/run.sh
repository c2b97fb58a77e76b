#!/usr/bin/env bash
# One comparison run: JMH (our simd kernels and ONNX Runtime, same JVM run) at the shapes of
# ARCHITECTURE §6, then the numpy / PyTorch / C peers, printed as one table per thread count.
#   attention-bench/peers/run.sh [OUT_DIR]        (after: mvn -B -ntp -Pbench -DskipTests package)
# Re-print a table later: peers.py --only jmh --threads T --load OUT/peers-T-threads.json --jmh OUT/jmh-*.json
# JMH settings: JMH_OPTS (default "-wi 1 -w 3s -i 3 -r 5s -f 1"); peers: PEER_SECONDS (default 3).
# Never run two of these at once (or next to other heavy work): they share the cores they measure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$ROOT/attention-bench/target/peers}
JMH_OPTS=${JMH_OPTS:--wi 1 -w 3s -i 3 -r 5s -f 1}
mkdir -p "$OUT"
. "$ROOT/scripts/jdk25.sh" && attention4j_select_jdk
JAR="$ROOT/attention-bench/target/benchmarks.jar"
[ -f "$JAR" ] || { echo "run.sh: expected $JAR (mvn -B -ntp -Pbench -DskipTests package), got none" >&2; exit 2; }
jmh() { "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -jar "$JAR" "$@"; }

echo "start $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/conditions.txt"
# One JMH invocation per shape: JMH orders `kernels` outside `shape`, so this keeps the kernels of
# one shape minutes apart at most, which matters when other work shares the machine.
files=()
for shape in 512x512x64x8 2048x2048x64x8 4096x4096x64x8 1x4096x128x32; do
  # shellcheck disable=SC2086
  jmh AttentionForwardBenchmark -p shape=$shape -p kernels=simd:1,simd:2,ort:1,ort:2,ortmm:1,ortmm:2 $JMH_OPTS \
      -rf json -rff "$OUT/jmh-attention-$shape.json" | tee "$OUT/jmh-attention-$shape.log"
  files+=(--jmh "$OUT/jmh-attention-$shape.json")
  echo "attention $shape done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/conditions.txt"
done
for shape in 512x512x64 2048x2048x64; do
  # shellcheck disable=SC2086
  jmh MatmulBenchmark -p shape=$shape -p kernels=simd:1,simd:2,ort:1,ort:2 $JMH_OPTS \
      -rf json -rff "$OUT/jmh-matmul-$shape.json" | tee "$OUT/jmh-matmul-$shape.log"
  files+=(--jmh "$OUT/jmh-matmul-$shape.json")
done
# shellcheck disable=SC2086
jmh AdditiveScoresBenchmark -p kernels=simd:1,simd:2 $JMH_OPTS -rf json -rff "$OUT/jmh-additive.json" | tee "$OUT/jmh-additive.log"
# shellcheck disable=SC2086
jmh TopKBenchmark -p kernels=simd:1,simd:2 $JMH_OPTS -rf json -rff "$OUT/jmh-topk.json" | tee "$OUT/jmh-topk.log"
# shellcheck disable=SC2086
jmh 'DtwBenchmark.rows' -p kernels=scalar,simd:1 $JMH_OPTS -rf json -rff "$OUT/jmh-dtw.json" | tee "$OUT/jmh-dtw.log"
files+=(--jmh "$OUT/jmh-additive.json" --jmh "$OUT/jmh-topk.json" --jmh "$OUT/jmh-dtw.json")
echo "jmh done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/conditions.txt"
for t in 1 2; do
  python3 "$ROOT/attention-bench/peers/peers.py" --threads "$t" --seconds "${PEER_SECONDS:-3}" \
      --save "$OUT/peers-$t-threads.json" "${files[@]}" | tee "$OUT/table-$t-threads.md"
done
echo "end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/conditions.txt"
