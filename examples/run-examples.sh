#!/usr/bin/env bash
# Builds every example script and runs the fast ones; fails on the first error. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
FAST=(01-ebbinghaus-forgetting 02-anbn-counting 03-delayed-recall 04-trigger-word 05-sensor-fusion 06-sparse-writes 07-coupled-gate-ema 08-bidirectional-palindromes 09-regime-forget-gate-shock 10-negation-switch 11-epidemic-regime-reset 12-genome-reading 13-protein-probes 14-user-telemetry 15-music-phrases 16-cell-control-system 17-sentiment-fusion-volatility 50-mlnet-volatility-pipeline 51-mlnet-model-builder-volatility)
for f in examples/[0-9]*.cs; do
  name=$(basename "$f" .cs)
  echo "== build $name"
  dotnet build "$f" -v q -nologo
done
for name in "${FAST[@]}"; do
  echo "== run $name"
  start=$(date +%s)
  dotnet run "examples/$name.cs"
  echo "-- $name: $(( $(date +%s) - start )) s"
done
echo "all examples OK"
