-- Counts every response whose status is not 2xx (wrk itself counts only status > 399), and
-- prints wrk's summary with that count as one JSON line (WRKJSON {...}).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  responses = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local n, r = 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("non2xx")
    r = r + t:get("responses")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"responses":%d,"bytes":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"non2xx":%d,"latency_p50_us":%d,"latency_p99_us":%d}\n',
    summary.requests, r, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, n,
    latency:percentile(50), latency:percentile(99)))
end
