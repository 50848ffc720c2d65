-- wrk script of bench/run: after a run, prints one machine-readable line
-- with the figures the report needs, so that bench/run does not parse wrk's
-- human-readable output (whose units change with the magnitude).
-- Latencies are in microseconds. No response() hook: defining one makes wrk
-- hand every response to Lua, which would make the load generator, not the
-- server, the limit. wrk counts statuses above 399 in errors.status, which
-- bench/run checks against the status the endpoint must answer with.

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local socket_errors = summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "BENCH requests=%d seconds=%.6f rps=%.1f p50_us=%d p99_us=%d max_us=%d socket_errors=%d status_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency.max,
    socket_errors, summary.errors.status))
end
