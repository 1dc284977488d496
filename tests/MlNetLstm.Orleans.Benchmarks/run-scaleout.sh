#!/usr/bin/env bash
# The measurement behind README's "Past one machine" figures (a benchmark, not a test; not part of CI):
#   bash tests/MlNetLstm.Orleans.Benchmarks/run-scaleout.sh [extra benchmark options]
# 1. scale-out mode: silo processes pinned with taskset (silo k on core k), the client on the last core; instrument streams with
#    memory storage and with a throwaway PostgreSQL (durable defaults: fsync and synchronous commit on) pinned to the client's core;
#    the universe backtest on one silo and on two;
# 2. the universe backtest again with --silo-min-threads 64 (Orleans' own work then finds a thread-pool thread while the CPU-bound
#    walk-forwards hold the others);
# 3. GARCH instruments with longer windows (100 instruments, memory storage): what an observation costs against the window;
# 4. the same universe backtest in the in-process mode (TestingHost, not pinned), for comparison.
# Prints the machine, .NET and the load before and after. Needs taskset (util-linux) and PostgreSQL (apt-get install postgresql).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v taskset >/dev/null || { echo "error: taskset is missing (it pins each silo to a core): apt-get install util-linux" >&2; exit 2; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "error: PostgreSQL is not installed: apt-get install postgresql" >&2; exit 2; }
cores=$(nproc)
client_core=$((cores - 1))
universe=(--series "${SERIES:-48}" --returns "${RETURNS:-3000}" --train 1000 --refit 10 --repeat "${REPEAT:-5}")

dotnet build tests/MlNetLstm.Orleans.Benchmarks -c Release -v q -nologo >/dev/null
bench=$PWD/artifacts/bin/MlNetLstm.Orleans.Benchmarks/release/MlNetLstm.Orleans.Benchmarks

# A throwaway PostgreSQL cluster on a free port, run by the postgres user (it refuses root), pinned to the client's core.
dir=$(mktemp -d /tmp/mlnetlstm-bench-pg.XXXXXX)
chown postgres "$dir"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() { as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop_pg EXIT
as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg taskset -c "$client_core" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
as_pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE bench" postgres
conn="Host=127.0.0.1;Port=$port;Username=postgres;Database=bench;Maximum Pool Size=100"

echo "== machine: $(lscpu | grep 'Model name' | cut -d: -f2 | xargs), $cores cores, .NET SDK $(dotnet --version), PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') pinned to core $client_core"
echo "== load before: $(uptime)"
start=$(date +%s)
"$bench" scaleout --pg "$conn" --pg-pid "$(head -n 1 "$dir/data/postmaster.pid")" --instruments "${INSTRUMENTS:-1000}" --lstm-instruments "${LSTM_INSTRUMENTS:-40}" \
  --observations "${OBSERVATIONS:-60}" "${universe[@]}" --repeat "${REPEAT:-5}" "$@"
echo "== the universe backtest again, each silo with 64 thread-pool threads from the start (--silo-min-threads 64)"
"$bench" scaleout --no-streams --silo-min-threads 64 "${universe[@]}" --repeat "${MIN_THREADS_REPEAT:-3}"
echo "== the cost of an observation against the GARCH window (the whole state, window included, is written on every observation); memory storage"
for window in 1000 2000; do
  "$bench" scaleout --no-universe --instruments 100 --lstm-instruments 2 --observations 40 --garch-window "$window" | sed -n '/^garch/,/^lstm/p' | grep -v '^lstm'
done
echo "== in-process mode (TestingHost, not pinned), the same universe backtest"
# (in the temporary folder: Orleans TestingHost writes its log files to ./logs)
(cd "$dir" && "$bench" inprocess --no-streams "${universe[@]}" --repeat "${INPROCESS_REPEAT:-3}")
echo "== load after: $(uptime); $(( $(date +%s) - start )) s"
