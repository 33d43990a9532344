#!/usr/bin/env bash
# Adds an EF Core migration named $1 to both providers, so their schemas never drift apart.
# Usage: scripts/add-migration.sh AddConsents
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/add-migration.sh NAME}
dotnet tool restore >/dev/null
for p in Sqlite Postgres; do
  dotnet ef migrations add "$name" --project "src/Mamori.Data.$p" --startup-project "src/Mamori.Data.$p" \
    --context MamoriDbContext --output-dir Migrations
done
