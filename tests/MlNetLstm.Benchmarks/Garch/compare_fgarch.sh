#!/usr/bin/env bash
# One GARCH(1,1) fit on dem2gbp: MlNetLstm (`mlnetlstm garch --repeat M`, median of M = max(4N, 200) in-process fits, so the
# JIT has tiered up) against R fGarch::garchFit (constant mean, Normal) and tseries::garch (no mean term), each the median of
# N fits timed one by one with Sys.time() (the same estimator as ours), in the same run.
# The three are interleaved in R rounds (ours, fGarch, tseries, ours, ...) so that a busy or shared machine slows all of them
# alike; the table gives the median over rounds of each round's median, and the best round.
# Needs: apt-get install r-base-core r-cran-fgarch r-cran-tseries   (never needed by the test suite)
# Usage: compare_fgarch.sh [fits per round, default 50] [rounds, default 5]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../../.." && pwd)"
n="${1:-50}"; rounds="${2:-5}"
# One thread everywhere: R would otherwise let a multi-threaded BLAS spin on a busy machine.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
data="$root/tests/data/real/dem2gbp.csv"
dotnet build -c Release "$root/src/MlNetLstm.Cli" -o /tmp/mlnetlstm-garch-bench >/dev/null
echo "Hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs)), $(nproc --all) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), .NET $(dotnet --version), $(R --version | head -1)"
rscript="
suppressMessages({library(fGarch); library(tseries)})
y <- read.csv('$data')\$dem2gbp
fit <- garchFit(~garch(1,1), data = y, trace = FALSE)
invisible(garch(y, order = c(1,1), trace = FALSE))
each <- function(f) sapply(1:$n, function(i) { s <- Sys.time(); f(); as.numeric(Sys.time() - s, units = 'secs') })
t1 <- median(each(function() garchFit(~garch(1,1), data = y, trace = FALSE)))
t2 <- median(each(function() garch(y, order = c(1,1), trace = FALSE)))
cat(t1 * 1000, t2 * 1000, format(fit@fit\$llh, digits = 15), '\n')"
results=()
for r in $(seq 1 "$rounds"); do
  ours=$(dotnet /tmp/mlnetlstm-garch-bench/MlNetLstm.Cli.dll garch --data "$data" --column dem2gbp --repeat "$(( 4 * n > 200 ? 4 * n : 200 ))" --format json)
  theirs=$(Rscript -e "$rscript")
  results+=("$ours|$theirs")
done
python3 - "${results[@]}" <<'PY'
import json, statistics, sys
rows = []
for arg in sys.argv[1:]:
    o, t = arg.split("|")
    o = json.loads(o); fg, ts, llh = map(float, t.split())
    rows.append((o["fitMilliseconds"], fg, ts, o["logLikelihood"], -llh))
ms = statistics.median(r[0] for r in rows); fg = statistics.median(r[1] for r in rows); ts = statistics.median(r[2] for r in rows)
b = min(rows, key=lambda r: r[0])
print(f"| implementation | ms per fit, median of {len(rows)} interleaved rounds | best round ms | MlNetLstm speed-up (median) |\n|---|---|---|---|")
print(f"| MlNetLstm (constant mean, FCP convention) | {ms:.3f} | {min(r[0] for r in rows):.3f} | 1.0 |")
print(f"| R fGarch garchFit (constant mean) | {fg:.1f} | {min(r[1] for r in rows):.1f} | {fg / ms:.1f}x |")
print(f"| R tseries garch (no mean term) | {ts:.2f} | {min(r[2] for r in rows):.2f} | {ts / ms:.1f}x |")
print(f"log-likelihood: MlNetLstm {rows[0][3]:.8f}, fGarch {rows[0][4]:.8f}")
print(f"per round (ours ms, fGarch ms, tseries ms): " + "; ".join(f"{r[0]:.3f}, {r[1]:.1f}, {r[2]:.2f}" for r in rows))
PY
