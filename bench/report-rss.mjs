// Preloaded by the benchmark (`node --import ./bench/report-rss.mjs bin/cratesync.js ...`): reports the
// process's peak RSS on stderr when it exits, so the benchmark measures the real CLI, not a stand-in.
process.on('exit', () => {
  process.stderr.write(`\nCRATESYNC_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
