-- wrk script: POST /api/book/safe, every request for a different seat of one big event.
-- Seats are spread over wrk's threads: thread t asks for first_seat + t, + t + threads, …
-- Usage: FIRST_SEAT=… THREADS=… wrk -t$THREADS -c… -d… -s scripts/lib/book_safe.lua http://127.0.0.1:8080
local threads = tonumber(os.getenv("THREADS") or "2")
local first_seat = tonumber(os.getenv("FIRST_SEAT") or "1")
local counter = 0
local next_id = 0

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
end

function request()
    local seat = first_seat + id + counter * threads
    counter = counter + 1
    return wrk.format("POST", "/api/book/safe", {["Content-Type"] = "application/json"},
        '{"seat_id": ' .. seat .. ', "user_identifier": "wrk-' .. id .. '"}')
end

function done(summary, latency, requests)
    io.write(string.format("requests %d, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        summary.requests, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000))
end
