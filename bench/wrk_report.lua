-- wrk script for bench/fpm_throughput.py.
--   wrk ... -s wrk_report.lua <url> -- <cap> <expected body>
-- cap 0: measure; wrk neither parses nor checks bodies.
-- cap N: smoke; each thread stops after N responses and counts every one that
--        is not a 200 with the expected body.
-- Either way, done() prints the run as one JSON line.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    cap = tonumber(args[1]) or 0
    expected = args[2] or ""
    seen = 0
    bad = 0
    if cap == 0 then
        response = nil
    end
end

function response(status, headers, body)
    seen = seen + 1
    if status ~= 200 or body ~= expected then
        bad = bad + 1
    end
    if seen >= cap then
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local bad_total = 0
    for _, thread in ipairs(threads) do
        bad_total = bad_total + (thread:get("bad") or 0)
    end
    local e = summary.errors
    io.write(string.format(
        '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
        .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "bad_responses": %d, '
        .. '"latency_p50_us": %d, "latency_p99_us": %d}\n',
        summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
        e.timeout, bad_total, latency:percentile(50), latency:percentile(99)))
end
