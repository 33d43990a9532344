#!/usr/bin/env bash
# Backup/restore round trip on a running demo server (SQLite, 500 demo subjects): 'mamori backup' while
# the server runs, then 'mamori restore' into a fresh data directory with the key ring copied apart,
# then 'mamori audit verify'. Prints the figures recorded in docs/reliability.md. 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Mamori -c Release -v q -nologo >/dev/null
M=(dotnet src/Mamori/bin/Release/net10.0/mamori.dll)
W=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2-$1:.2f}')"; }
count() { python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('select count(*) from \"$2\"').fetchone()[0])" "$1"; }

PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"${M[@]}" serve --demo --data-dir "$W/live" --urls "http://127.0.0.1:$PORT" >"$W/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null

t0=$(now); "${M[@]}" backup --data-dir "$W/live" --output "$W/backup.db" --json >"$W/backup.json"; t1=$(now)
refused=$("${M[@]}" restore "$W/backup.db" --data-dir "$W/live" --force 2>&1 >/dev/null | grep -o 'MAMORI-1322' || true)
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=

mkdir -p "$W/restored"
cp "$W/live/keys.json" "$W/restored/"          # keys travel apart from the database
[ -f "$W/live/erasures.jsonl" ] && cp "$W/live/erasures.jsonl" "$W/restored/"
t2=$(now); "${M[@]}" restore "$W/backup.db" --data-dir "$W/restored" --json >"$W/restore.json"; t3=$(now)
"${M[@]}" audit verify --data-dir "$W/restored" --json >"$W/verify.json"

echo "subjects (live / restored): $(count "$W/live/mamori.db" DataSubjects) / $(count "$W/restored/mamori.db" DataSubjects)"
echo "audit events (live / restored): $(count "$W/live/mamori.db" AuditEvents) / $(count "$W/restored/mamori.db" AuditEvents)"
echo "backup while serving: $(secs "$t0" "$t1") s, $(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['bytes'])" "$W/backup.json") bytes"
echo "restore (copy + migrate + erasure ledger + audit verify): $(secs "$t2" "$t3") s"
echo "restore onto the running server refused: ${refused:-NO}"
echo "audit verify after restore: $(cat "$W/verify.json")"
