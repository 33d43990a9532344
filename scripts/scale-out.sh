#!/usr/bin/env bash
# Scale-out (issue #13, part 6; docs/reliability.md): two `mamori serve` processes on one PostgreSQL (throwaway
# cluster) with the outbox (every 1 s, to an SMTP sink on 127.0.0.1 that counts deliveries) and the vault jobs
# (every 2 s: checkpoint, re-wrap, retention sweep) running, under a steady write load spread over both; batches
# of subjects have their retention ended in the database. Proves every message was delivered exactly once and
# every expired subject got exactly one destruction certificate, then measures POST /api/decisions with one
# server and with two (wrk if installed, else an in-process client; same total connections).
# Usage: scripts/scale-out.sh [SECONDS=600] [THROUGHPUT_SECONDS=15] [CONNECTIONS=32] [SEED=1]   (exit 1 on a problem)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}; TPUT=${2:-15}; CONN=${3:-32}; SEED=${4:-1}
dotnet build -c Release src/Mamori -v q -nologo -clp:ErrorsOnly >/dev/null
dotnet build -c Release tools/Mamori.Reliability -v q -nologo -clp:ErrorsOnly >/dev/null
export MAMORI_EXE="$PWD/src/Mamori/bin/Release/net10.0/mamori"
exec tools/Mamori.Reliability/bin/Release/net10.0/Mamori.Reliability scale --seconds "$SECS" --throughput-seconds "$TPUT" --connections "$CONN" --seed "$SEED" ${JSON:+--json "$JSON"}
