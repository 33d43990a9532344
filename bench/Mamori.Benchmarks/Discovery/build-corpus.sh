#!/usr/bin/env bash
# Builds the discovery benchmark corpus OUTSIDE the repository:
#   $MAMORI_BENCH_CACHE (default /tmp/mamori-bench)/corpus.txt  — ≥ 50 MB: the 35.2 MB Japanese documentation
#   text of ../shared/reference/corpus/README.md plus seeded generated mixed JP/EN lines with PII;
#   $MAMORI_BENCH_CACHE/pathological-*.txt — long digit runs and long repeated text.
# The Debian packages are GPL/GFDL/MPL documentation: they are downloaded, never committed.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../../.." && pwd)"
REF="${MAMORI_REFERENCE_DIR:-$REPO/../shared/reference}"
CACHE="${MAMORI_BENCH_CACHE:-/tmp/mamori-bench}"
mkdir -p "$CACHE/debs" "$CACHE/root"
if [ ! -s "$CACHE/text/corpus_stats.txt" ]; then
  ( cd "$CACHE/debs" && apt-get download lilypond-doc-html-ja manpages-ja manpages-ja-dev libreoffice-help-ja gimp-help-ja )
  for d in "$CACHE"/debs/*.deb; do p=$(basename "${d%%_*}"); dpkg-deb -x "$d" "$CACHE/root/$p"; done
  python3 "$REF/corpus/extract_text.py" "$CACHE/root" "$CACHE/text"
fi
python3 "$(dirname "$0")/generate_pii.py" "$CACHE/generated.txt" 17000000
cat "$CACHE"/text/*.txt "$CACHE/generated.txt" > "$CACHE/corpus.txt"
python3 - "$CACHE" <<'PY'
import sys, os
c = sys.argv[1]
open(os.path.join(c, "pathological-digits.txt"), "w").write("0" * 8_000_000)
open(os.path.join(c, "pathological-separators.txt"), "w").write("1-" * 4_000_000)
open(os.path.join(c, "pathological-repeat.txt"), "w").write(("a@" * 100 + "様" * 100 + "::" * 100 + "1.1." * 100 + "東京都" * 50) * 8_000)
PY
ls -l "$CACHE"/corpus.txt "$CACHE"/pathological-*.txt
