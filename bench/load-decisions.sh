#!/usr/bin/env bash
# Load run for POST /api/decisions: mamori serve (SQLite, demo data) vs a bare Kestrel endpoint, both on
# 127.0.0.1, measured with wrk in the same run. Bounded: each wrk run lasts $DURATION seconds.
# Usage: bench/load-decisions.sh [DURATION=15] [CONNECTIONS=32]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}; CONN=${2:-32}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
dotnet build -c Release src/Mamori -v q -nologo >/dev/null && dotnet build -c Release bench/Mamori.Benchmarks -v q -nologo >/dev/null
DIR=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$DIR"' EXIT
MAMORI=src/Mamori/bin/Release/net10.0/mamori
BENCH=bench/Mamori.Benchmarks/bin/Release/net10.0/Mamori.Benchmarks

$BENCH bare-kestrel http://127.0.0.1:5091 >/dev/null 2>&1 &
$MAMORI serve --demo --data-dir "$DIR" --urls http://127.0.0.1:5092 > "$DIR/serve.log" 2>&1 &
for i in $(seq 1 120); do curl -sf http://127.0.0.1:5092/readyz >/dev/null && curl -sf -o /dev/null -X POST http://127.0.0.1:5091/api/decisions -H 'content-type: application/json' -d '{"subjectId":"00000000-0000-0000-0000-000000000000","purpose":"x"}' && break; sleep 1; done
KEY=$($MAMORI apikey create --name load --role operator --json --data-dir "$DIR" | sed -E 's/.*"key":"([^"]+)".*/\1/')
SUBJECT=$(sqlite3 "$DIR/mamori.db" "SELECT lower(Id) FROM DataSubjects WHERE ServiceId='isp' LIMIT 1" 2>/dev/null || true)
if [ -z "$SUBJECT" ]; then SUBJECT=$(python3 -c "import sqlite3;print(sqlite3.connect('$DIR/mamori.db').execute(\"select lower(Id) from DataSubjects where ServiceId='isp' limit 1\").fetchone()[0])"); fi
BODY="{\"subjectId\":\"$SUBJECT\",\"purpose\":\"support\",\"fields\":[\"name\",\"email\"]}"
cat > "$DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.body   = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
# Warm-up first (JIT tiering, connection pools, the policy cache): only the second run of each is reported.
wrk -t2 -c"$CONN" -d5s -s "$DIR/post.lua" http://127.0.0.1:5091/api/decisions >/dev/null
wrk -t2 -c"$CONN" -d5s -s "$DIR/post.lua" http://127.0.0.1:5092/api/decisions >/dev/null
echo "## bare Kestrel (baseline)"; wrk -t2 -c"$CONN" -d"${DURATION}s" -s "$DIR/post.lua" http://127.0.0.1:5091/api/decisions
echo "## mamori POST /api/decisions (SQLite, decision + durable audit event per request)"; wrk -t2 -c"$CONN" -d"${DURATION}s" -s "$DIR/post.lua" http://127.0.0.1:5092/api/decisions
curl -s -o /dev/null -w "last decision status: %{http_code}\n" -X POST http://127.0.0.1:5092/api/decisions -H 'content-type: application/json' -H "Authorization: Bearer $KEY" -d "$BODY"
$MAMORI audit verify --data-dir "$DIR"
