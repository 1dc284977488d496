#!/usr/bin/env bash
# One command for issue 16's whole AVX2 table: MlNetLstm's AVX2/FMA path (`bench lstm --isa avx2`, on an AVX-512 machine the
# CLI re-runs itself with DOTNET_EnableAVX512=0) against PyTorch 1.13 (Debian python3-torch on OpenBLAS, restricted to AVX2:
# OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2), float32, shapes (64, 64, 8, H) for H = 32, 64, 128, 256 and
# (32, 128, 16, 512), 1 and 2 threads (torch.set_num_threads and OMP/OpenBLAS threads matched). Per shape the four runs are
# interleaved (ours 1 thread, PyTorch 1 thread, ours 2 threads, PyTorch 2 threads), so load changes hit both sides alike.
# Every figure is the best of at least 5 samples over at least SECONDS per metric. The 2-thread runs measure training only
# (batched inference and streaming are single-threaded). Prints the hardware line and a Markdown table in README's shape
# (ours / PyTorch, ratio, our GFLOP/s and share of the AVX2 FMA peak measured in-process, our and PyTorch's 2-thread speed-ups,
# and, last, 1-thread training per CPU-second of each process: best-sample process CPU time, less distorted by other jobs than
# the wall clock when the machine is shared, but it still includes their cache and frequency effects).
# Takes about 5 minutes with the default 3 seconds per metric on a quiet 2-core machine.
# Needs: apt-get install -y python3-torch libopenblas0-openmp   (never needed by the test suite)
# Usage: side-by-side-avx2.sh [seconds per metric, default 3]
#   SHAPES="64 64 8 128;64 64 8 256" side-by-side-avx2.sh 2   measures only the listed "batch seq input hidden" shapes
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../../.." && pwd)"
seconds="${1:-3}"
export LD_LIBRARY_PATH="/usr/lib/x86_64-linux-gnu/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
peer_env=(env OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2)
out=/tmp/mlnetlstm-bench-avx2
dotnet build -c Release "$root/src/MlNetLstm.Cli" -o "$out" -v q -nologo >/dev/null
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "PyTorch is missing: apt-get install -y python3-torch libopenblas0-openmp" >&2; exit 1; }
start=$(date +%s)
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs))"
flags="$(grep -m1 '^flags' /proc/cpuinfo)"; hw="AVX2=$([[ $flags == *" avx2"* ]] && echo yes || echo no), FMA=$([[ $flags == *" fma"* ]] && echo yes || echo no), AVX-512F=$([[ $flags == *" avx512f"* ]] && echo yes || echo no)"
echo "Hardware: $cpu, $hw, $(nproc --all) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg), .NET SDK $(dotnet --version), PyTorch $(/usr/bin/python3 -c 'import torch;print(torch.__version__)') + OpenBLAS with ${peer_env[*]:1}; ours: bench lstm --isa avx2; float32; best of >= 5 samples, >= ${seconds} s per metric"
echo
echo "| batch, seq, input, hidden | ISA | train seq/s 1 thread: ours / PyTorch | ratio | ours GFLOP/s, share of AVX2 FMA peak | train seq/s 2 threads: ours / PyTorch | ratio | ours GFLOP/s, share of 2 x peak | 2-thread speed-up: ours / PyTorch | infer seq/s: ours / PyTorch | ratio | stream µs/step: ours / PyTorch | ratio | train seq per CPU-second 1 thread: ours / PyTorch | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
ours() { OMP_NUM_THREADS="$1" OPENBLAS_NUM_THREADS="$1" dotnet "$out/MlNetLstm.Cli.dll" bench lstm --batch "$b" --seq "$t" --input "$i" --hidden "$h" --layers 1 --threads "$1" --seconds "$seconds" --isa avx2 --format json "${@:2}" 2>/dev/null; }
theirs() { OMP_NUM_THREADS="$1" OPENBLAS_NUM_THREADS="$1" "${peer_env[@]}" /usr/bin/python3 "$here/pytorch_lstm_bench.py" --batch "$b" --seq "$t" --input "$i" --hidden "$h" --layers 1 --threads "$1" --seconds "$seconds" "${@:2}"; }
IFS=';' read -r -a shapes <<<"${SHAPES:-64 64 8 32;64 64 8 64;64 64 8 128;64 64 8 256;32 128 16 512}"
for cfg in "${shapes[@]}"; do
  read -r b t i h <<<"$cfg"
  o1=$(ours 1); p1=$(theirs 1); o2=$(ours 2 --train-only); p2=$(theirs 2 --train-only)
  /usr/bin/python3 - "$cfg" "$o1" "$p1" "$o2" "$p2" <<'PY'
import json, sys
cfg = sys.argv[1]
o1, p1, o2, p2 = (json.loads(a) for a in sys.argv[2:6])
n = lambda v: f"{v:,.0f}"
r = lambda a, b: f"{a / b:.2f}x"
def share(o):
    s = o.get("trainShareOfFmaPeak")
    return f"{o['trainGflopsPerSecond']:.1f}" + ("" if s is None else f", {s:.0%} of {o['threads']} x {o['fmaPeakGflopsPerCore']:.0f}")
t = lambda o: o["trainSequencesPerSecond"]
print(f"| {', '.join(cfg.split())} | {o1['isa']} "
      f"| {n(t(o1))} / {n(t(p1))} | {r(t(o1), t(p1))} | {share(o1)} "
      f"| {n(t(o2))} / {n(t(p2))} | {r(t(o2), t(p2))} | {share(o2)} "
      f"| {t(o2) / t(o1):.2f}x / {t(p2) / t(p1):.2f}x "
      f"| {n(o1['inferSequencesPerSecond'])} / {n(p1['inferSequencesPerSecond'])} | {r(o1['inferSequencesPerSecond'], p1['inferSequencesPerSecond'])} "
      f"| {o1['streamMicrosecondsPerStep']:.2f} / {p1['streamMicrosecondsPerStep']:.1f} | {r(p1['streamMicrosecondsPerStep'], o1['streamMicrosecondsPerStep'])} "
      f"| {n(o1['trainSequencesPerCpuSecond'])} / {n(p1['trainSequencesPerCpuSecond'])} | {r(o1['trainSequencesPerCpuSecond'], p1['trainSequencesPerCpuSecond'])} |")
PY
done
echo
echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - start )) s"
