#!/usr/bin/env bash
# README's test command: installs the system parts the tests use, then runs every test project.
#   bash tests/run.sh              # all tests
#   bash tests/run.sh --filter X   # arguments go to `dotnet test`
# System parts: Debian's chromium (the report test opens the backtest report in a real headless browser) and
# libfontconfig1 + a font (SkiaSharp's native library, which ScottPlot draws the report's charts with, links to fontconfig),
# and postgresql (tests/MlNetLstm.Orleans.Tests start a throwaway PostgreSQL server; no server needs to run).
# Without root or sudo the install is skipped and the browser test fails with a message saying what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libfontconfig\.so\.1' || need+=(libfontconfig1)
fc-list 2>/dev/null | grep -q . || need+=(fonts-dejavu-core)
# PostgreSQL server binaries: the Orleans tests start (initdb + pg_ctl) and stop a throwaway server of their own.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  if [[ $(id -u) == 0 ]]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [[ $sudo == none ]]; then
    echo "tests/run.sh: cannot install ${need[*]} (no root, no sudo); the tests that need them will fail and say so" >&2
  else
    echo "== installing ${need[*]} (apt-get)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null \
      || { $sudo apt-get update -q >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null; }
  fi
fi

exec dotnet test "$@"
