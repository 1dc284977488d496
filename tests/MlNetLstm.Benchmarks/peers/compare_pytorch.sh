#!/usr/bin/env bash
# Side-by-side: `mlnetlstm bench lstm` against PyTorch (Debian python3-torch on OpenBLAS), same
# configuration, same thread count, float32, in one run (ours and PyTorch alternate per configuration). Both report the best
# of at least 5 timing samples, so a busy or shared machine distorts them as little as possible. Prints a Markdown table with
# ratios, our GFLOP/s and share of the FMA peak of the ISA in use (measured in-process), and the hardware line.
# Needs: apt-get install python3-torch libopenblas0-openmp   (never needed by the test suite)
# Usage: compare_pytorch.sh [threads, default 1] [isa: auto|avx2|avx512, default auto] [seconds per metric, default 2]
#   isa avx2 measures our AVX2/FMA path on an AVX-512 machine (the CLI re-runs itself with DOTNET_EnableAVX512=0), and runs
#   PyTorch with OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 so that both sides use AVX2/FMA.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../../.." && pwd)"
threads="${1:-1}"; isa="${2:-auto}"; seconds="${3:-2}"
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
export LD_LIBRARY_PATH="/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
peer_env=()
if [[ "$isa" == "avx2" ]]; then
  # The same instruction set for the peer: OpenBLAS's Haswell (AVX2/FMA) kernels and ATen's AVX2 kernels, not their AVX-512 ones.
  peer_env=(env OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2)
fi
dotnet build -c Release "$root/src/MlNetLstm.Cli" -o /tmp/mlnetlstm-bench >/dev/null
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs))"
flags="$(grep -m1 '^flags' /proc/cpuinfo)"; hw="AVX2=$([[ $flags == *" avx2"* ]] && echo yes || echo no), FMA=$([[ $flags == *" fma"* ]] && echo yes || echo no), AVX-512F=$([[ $flags == *" avx512f"* ]] && echo yes || echo no)"
echo "Hardware: $cpu, $hw, $(nproc --all) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg), .NET SDK $(dotnet --version), PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') + OpenBLAS, $threads thread(s), float32, --isa $isa${peer_env:+ (PyTorch with ${peer_env[*]:1})}"
echo
echo "| batch, seq, input, hidden, layers | MlNetLstm ISA | MlNetLstm train seq/s | PyTorch train seq/s | ratio | MlNetLstm train GFLOP/s | share of FMA peak | MlNetLstm infer seq/s | PyTorch infer seq/s | ratio | MlNetLstm stream µs/step | PyTorch stream µs/step | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for cfg in "64 64 8 32 1" "64 64 8 64 1" "64 64 8 128 1" "64 64 8 256 1" "32 128 16 512 1"; do
  read -r b t i h l <<<"$cfg"
  ours=$(dotnet /tmp/mlnetlstm-bench/MlNetLstm.Cli.dll bench lstm --batch "$b" --seq "$t" --input "$i" --hidden "$h" --layers "$l" --threads "$threads" --seconds "$seconds" --isa "$isa" --format json 2>/dev/null)
  theirs=$("${peer_env[@]}" /usr/bin/python3 "$here/pytorch_lstm_bench.py" --batch "$b" --seq "$t" --input "$i" --hidden "$h" --layers "$l" --threads "$threads" --seconds "$seconds")
  /usr/bin/python3 - "$cfg" "$ours" "$theirs" <<'PY'
import json, sys
cfg, o, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
r = lambda a, b: f"{a / b:.2f}x"
share = o.get("trainShareOfFmaPeak")
share_text = "" if share is None else "{:.0%} of {:.0f} x {}".format(share, o["fmaPeakGflopsPerCore"], o["threads"])
print(f"| {', '.join(cfg.split())} | {o['isa']} | {o['trainSequencesPerSecond']:,.0f} | {p['trainSequencesPerSecond']:,.0f} | {r(o['trainSequencesPerSecond'], p['trainSequencesPerSecond'])} "
      f"| {o['trainGflopsPerSecond']:.1f} | {share_text} "
      f"| {o['inferSequencesPerSecond']:,.0f} | {p['inferSequencesPerSecond']:,.0f} | {r(o['inferSequencesPerSecond'], p['inferSequencesPerSecond'])} "
      f"| {o['streamMicrosecondsPerStep']:.2f} | {p['streamMicrosecondsPerStep']:.1f} | {r(p['streamMicrosecondsPerStep'], o['streamMicrosecondsPerStep'])} |")
PY
done
echo
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
