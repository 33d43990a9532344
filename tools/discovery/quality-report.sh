#!/usr/bin/env bash
# Regenerates docs/discovery-quality.md from ../shared/reference (read in place, never copied).
# Optional: MAMORI_JP_CORPUS=<dir of .txt files from shared/reference/corpus/README.md> adds a
# false-positive-pressure section measured on real Japanese text.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MAMORI_QUALITY_REPORT="$PWD/docs/discovery-quality.md"
dotnet test --project tests/Mamori.Reference.Tests -c Release --filter-class 'Mamori.Reference.Tests.Discovery.DiscoveryQualityReportTests' >/dev/null
echo "wrote $MAMORI_QUALITY_REPORT"
