#!/usr/bin/env bash
# Load run for POST /api/decisions on PostgreSQL: Mamori's connection defaults (No Reset On Close, Max Auto Prepare=64)
# against Npgsql's own defaults (both set off in the connection string), and a bare Kestrel endpoint, all in the same
# run on 127.0.0.1, interleaved for ROUNDS rounds. A throwaway PostgreSQL from the Debian binaries (MAMORI_PG_BIN or
# /usr/lib/postgresql/*/bin), fsync on. Bounded: each wrk run lasts $DURATION seconds.
# Usage: bench/load-decisions-pg.sh [DURATION=10] [CONNECTIONS=32] [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}; CONN=${2:-32}; ROUNDS=${3:-3}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
PGBIN=${MAMORI_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | tail -1)}
dotnet build -c Release src/Mamori -v q -nologo >/dev/null && dotnet build -c Release bench/Mamori.Benchmarks -v q -nologo >/dev/null
DIR=$(mktemp -d); chmod 777 "$DIR"
PORT=$((20000 + RANDOM % 20000))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { kill $(jobs -p) 2>/dev/null || true; as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=300" -l "$DIR/pg.log" -w start >/dev/null
MAMORI=src/Mamori/bin/Release/net10.0/mamori
BENCH=bench/Mamori.Benchmarks/bin/Release/net10.0/Mamori.Benchmarks

$BENCH bare-kestrel http://127.0.0.1:5091 >/dev/null 2>&1 &
start() { # NAME HTTP-PORT EXTRA-CONNECTION-SETTINGS
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$1"
  local cs="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$1$3"
  mkdir -p "$DIR/$1"
  $MAMORI serve --demo --data-dir "$DIR/$1" --db "postgres:$cs" --urls "http://127.0.0.1:$2" > "$DIR/$1/serve.log" 2>&1 &
  for i in $(seq 1 180); do curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && break; sleep 1; done
  local key subject
  key=$($MAMORI apikey create --name load --role operator --json --data-dir "$DIR/$1" --db "postgres:$cs" | sed -E 's/.*"key":"([^"]+)".*/\1/')
  subject=$("$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d "$1" -tAc "SELECT \"Id\" FROM \"DataSubjects\" WHERE \"ServiceId\"='isp' LIMIT 1")
  cat > "$DIR/$1.lua" <<LUA
wrk.method = "POST"
wrk.body   = '{"subjectId":"$subject","purpose":"support","fields":["name","email"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
LUA
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$2/api/decisions" -H 'content-type: application/json' -H "Authorization: Bearer $key" \
    -d "{\"subjectId\":\"$subject\",\"purpose\":\"support\",\"fields\":[\"name\",\"email\"]}" || { echo "$1: the decision endpoint did not answer 200"; exit 1; }
}
start npgsql_defaults 5093 ";No Reset On Close=false;Max Auto Prepare=0"
start mamori_defaults 5094 ""
run() { wrk -t2 -c"$CONN" -d"$2" -s "$DIR/$3.lua" "$1/api/decisions" | awk '/Requests\/sec/ {print $2}'; }
# Warm-up first (JIT tiering, connection pools, the policy cache).
for x in "http://127.0.0.1:5091 npgsql_defaults" "http://127.0.0.1:5093 npgsql_defaults" "http://127.0.0.1:5094 mamori_defaults"; do set -- $x; run "$1" 5s "$2" >/dev/null; done
echo "| round | bare Kestrel | Npgsql defaults | Mamori defaults | Mamori / Npgsql | Mamori / bare |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  bare=$(run http://127.0.0.1:5091 "${DURATION}s" npgsql_defaults)
  if [ $((r % 2)) = 1 ]; then a=$(run http://127.0.0.1:5093 "${DURATION}s" npgsql_defaults); b=$(run http://127.0.0.1:5094 "${DURATION}s" mamori_defaults)
  else b=$(run http://127.0.0.1:5094 "${DURATION}s" mamori_defaults); a=$(run http://127.0.0.1:5093 "${DURATION}s" npgsql_defaults); fi
  echo "| $r | $bare | $a | $b | $(python3 -c "print(f'{$b/$a:.2f}')") | $(python3 -c "print(f'{100*$b/$bare:.1f} %')") |"
done
for db in npgsql_defaults mamori_defaults; do
  $MAMORI audit verify --data-dir "$DIR/$db" --db "postgres:Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$db" | head -1
done
