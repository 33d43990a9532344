// Throughput of npm redact-pii (SyncRedactor, its built-in regex patterns) on the same corpus file.
// Install outside the repository:  (mkdir -p /tmp/redactpii && cd /tmp/redactpii && npm install redact-pii@3.4.0)
// Run:  node redact-pii-bench.js /tmp/mamori-bench/corpus.txt [megabytes] [/tmp/redactpii]
const fs = require('fs');
const path = require('path');
const file = process.argv[2] || '/tmp/mamori-bench/corpus.txt';
const limitMb = Number(process.argv[3] || 0);
const modDir = process.argv[4] || '/tmp/redactpii';
const { SyncRedactor } = require(path.join(modDir, 'node_modules', 'redact-pii'));
let buf = fs.readFileSync(file);
if (limitMb > 0) {
  let cut = Math.min(buf.length, limitMb * 1_000_000);
  while (cut < buf.length && (buf[cut] & 0xc0) === 0x80) cut++; // do not split a UTF-8 sequence
  buf = buf.subarray(0, cut);
}
const text = buf.toString('utf8');
const lines = text.split('\n');
const redactor = new SyncRedactor();
// Warm-up on the first 1,000 lines, then time the whole input line by line (as a log pipeline would).
for (const l of lines.slice(0, 1000)) redactor.redact(l);
const runs = [];
let changed = 0;
for (let r = 0; r < 3; r++) {
  const t0 = process.hrtime.bigint();
  changed = 0;
  for (const l of lines) if (redactor.redact(l) !== l) changed++;
  runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
const best = Math.min(...runs);
const mb = buf.length / 1e6;
console.log(JSON.stringify({ tool: 'redact-pii@' + require(path.join(modDir, 'node_modules', 'redact-pii', 'package.json')).version,
  node: process.version, bytes: buf.length, lines: lines.length, changedLines: changed, secondsBest: best, secondsRuns: runs,
  mbPerSecond: +(mb / best).toFixed(2) }));
