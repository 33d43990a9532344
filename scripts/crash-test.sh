#!/usr/bin/env bash
# Crash safety (issue #13, part 1; docs/reliability.md): a real `mamori serve` (SQLite, then PostgreSQL in a
# throwaway cluster) takes a steady write load of subjects, consents and requests from 127.0.0.1 and is killed
# with SIGKILL at seeded random moments. After each restart: every acknowledged write is present (database
# snapshot, API read-back of a sample; all of them through the API at the end), nothing is half-written, the
# audit chain verifies (API after each restart, `mamori audit verify` at the end).
# Prints writes acknowledged, lost (goal 0), half-written (goal 0) and the restart time to /readyz.
# Usage: scripts/crash-test.sh [KILLS=20] [SEED=1] [PROVIDER=both|sqlite|postgres]   (exit 1 if a goal is missed)
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-20}; SEED=${2:-1}; PROVIDER=${3:-both}
dotnet build -c Release src/Mamori -v q -nologo -clp:ErrorsOnly >/dev/null
dotnet build -c Release tools/Mamori.Reliability -v q -nologo -clp:ErrorsOnly >/dev/null
export MAMORI_EXE="$PWD/src/Mamori/bin/Release/net10.0/mamori"
exec tools/Mamori.Reliability/bin/Release/net10.0/Mamori.Reliability crash --provider "$PROVIDER" --kills "$KILLS" --seed "$SEED" ${JSON:+--json "$JSON"}
