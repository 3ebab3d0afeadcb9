-- wrk script for the interleaved measurement of bench/fpm_throughput.py.
--   wrk ... -s wrk_interleaved.lua <url> -- <pools> <cap> <expected body>
-- <pools>, e.g. "abcd": request n goes to /<pools[n mod #pools]>/hello.php,
-- which nginx passes to that pool and tags with an X-Pool header, so that
-- every pool serves every fourth request under the very same conditions.
-- cap 0: measure for the whole run; cap N: stop after N responses (smoke).
-- Either way, each response is checked (a 200 with the expected body from a
-- known pool), and done() prints the run as one JSON line.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    pools = {}
    served = {}
    for key in string.gmatch(args[1], "%a") do
        table.insert(pools, key)
        served[key] = 0
    end
    cap = tonumber(args[2]) or 0
    expected = args[3] or ""
    sent = 0
    seen = 0
    bad = 0
end

function request()
    sent = sent + 1
    return wrk.format(nil, "/" .. pools[(sent - 1) % #pools + 1] .. "/hello.php")
end

function response(status, headers, body)
    seen = seen + 1
    local pool = headers["X-Pool"]
    if status ~= 200 or body ~= expected or pool == nil or served[pool] == nil then
        bad = bad + 1
    else
        served[pool] = served[pool] + 1
    end
    if cap > 0 and seen >= cap then
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local bad_total = 0
    local totals = {}
    for _, thread in ipairs(threads) do
        bad_total = bad_total + (thread:get("bad") or 0)
        for key, count in pairs(thread:get("served") or {}) do
            totals[key] = (totals[key] or 0) + count
        end
    end
    local parts = {}
    for key, count in pairs(totals) do
        table.insert(parts, string.format('"%s": %d', key, count))
    end
    local e = summary.errors
    io.write(string.format(
        '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
        .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "bad_responses": %d, '
        .. '"served": {%s}}\n',
        summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
        e.timeout, bad_total, table.concat(parts, ", ")))
end
