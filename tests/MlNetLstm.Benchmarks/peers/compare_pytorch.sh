#!/usr/bin/env bash
# Side-by-side: `mlnetlstm bench lstm` against PyTorch (Debian python3-torch on OpenBLAS), same
# configuration, same thread count, float32, in one run. Prints a Markdown table with ratios and the hardware line.
# Needs: apt-get install python3-torch libopenblas0-openmp   (never needed by the test suite)
# Usage: compare_pytorch.sh [threads]        (default 1)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../../.." && pwd)"
threads="${1:-1}"
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
export LD_LIBRARY_PATH="/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
dotnet build -c Release "$root/src/MlNetLstm.Cli" -o /tmp/mlnetlstm-bench >/dev/null
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "Hardware: $cpu, $(nproc --all) cores, .NET SDK $(dotnet --version), PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') + OpenBLAS, $threads thread(s), float32"
echo
echo "| batch, seq, input, hidden, layers | MlNetLstm train seq/s | PyTorch train seq/s | ratio | MlNetLstm infer seq/s | PyTorch infer seq/s | ratio | MlNetLstm stream µs/step | PyTorch stream µs/step | ratio | MlNetLstm bytes/step |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for cfg in "64 64 8 32 1" "64 64 8 64 1" "64 64 8 128 1" "64 64 8 256 1" "32 128 16 512 1"; do
  read -r b t i h l <<<"$cfg"
  ours=$(dotnet /tmp/mlnetlstm-bench/MlNetLstm.Cli.dll bench lstm --batch "$b" --seq "$t" --input "$i" --hidden "$h" --layers "$l" --threads "$threads" --format json)
  theirs=$(/usr/bin/python3 "$here/pytorch_lstm_bench.py" --batch "$b" --seq "$t" --input "$i" --hidden "$h" --layers "$l" --threads "$threads")
  /usr/bin/python3 - "$cfg" "$ours" "$theirs" <<'PY'
import json, sys
cfg, o, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
r = lambda a, b: f"{a / b:.2f}x"
print(f"| {', '.join(cfg.split())} | {o['trainSequencesPerSecond']:,.0f} | {p['trainSequencesPerSecond']:,.0f} | {r(o['trainSequencesPerSecond'], p['trainSequencesPerSecond'])} "
      f"| {o['inferSequencesPerSecond']:,.0f} | {p['inferSequencesPerSecond']:,.0f} | {r(o['inferSequencesPerSecond'], p['inferSequencesPerSecond'])} "
      f"| {o['streamMicrosecondsPerStep']:.2f} | {p['streamMicrosecondsPerStep']:.1f} | {r(p['streamMicrosecondsPerStep'], o['streamMicrosecondsPerStep'])} | {o['streamBytesAllocatedPerStep']} |")
PY
done
