#!/usr/bin/env bash
# One GARCH(1,1) fit on dem2gbp: MlNetLstm (`mlnetlstm garch --repeat N`, median of N in-process fits) against
# R fGarch::garchFit (constant mean, Normal) and tseries::garch (no mean term), timed in the same run.
# Needs: apt-get install r-base-core r-cran-fgarch r-cran-tseries   (never needed by the test suite)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../../.." && pwd)"
n="${1:-50}"
data="$root/tests/data/real/dem2gbp.csv"
dotnet build -c Release "$root/src/MlNetLstm.Cli" -o /tmp/mlnetlstm-garch-bench >/dev/null
echo "Hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, .NET $(dotnet --version), $(R --version | head -1)"
ours=$(dotnet /tmp/mlnetlstm-garch-bench/MlNetLstm.Cli.dll garch --data "$data" --column dem2gbp --repeat "$n" --format json)
theirs=$(Rscript -e "
suppressMessages({library(fGarch); library(tseries)})
y <- read.csv('$data')\$dem2gbp
fit <- garchFit(~garch(1,1), data = y, trace = FALSE)
t1 <- sapply(1:$n, function(i) system.time(garchFit(~garch(1,1), data = y, trace = FALSE))[['elapsed']])
t2 <- sapply(1:$n, function(i) system.time(garch(y, order = c(1,1), trace = FALSE))[['elapsed']])
cat(median(t1) * 1000, median(t2) * 1000, fit@fit\$llh, '\n')")
python3 - "$ours" "$theirs" <<'PY'
import json, sys
o = json.loads(sys.argv[1]); fg, ts, llh = map(float, sys.argv[2].split())
ms = o["fitMilliseconds"]
print(f"| implementation | median ms per fit | ratio to MlNetLstm |\n|---|---|---|")
print(f"| MlNetLstm (constant mean, FCP convention) | {ms:.2f} | 1.0 |")
print(f"| R fGarch garchFit (constant mean) | {fg:.1f} | {fg / ms:.1f}x slower |")
print(f"| R tseries garch (no mean term) | {ts:.1f} | {ts / ms:.1f}x slower |")
print(f"log-likelihood: MlNetLstm {o['logLikelihood']:.8f}, fGarch {-llh:.8f}")
PY
