-- Loads two servers from one wrk process: its first thread (and half the connections) on the
-- port WRK_PAIR_PORTS names first, the second on the other ("portA,portB"); both threads share
-- the load generator's CPU as equals. Prints wrk's summary and each thread's response count as
-- one JSON line (WRKJSON {...}).
local threads = {}
local ports = {}
for p in string.gmatch(os.getenv("WRK_PAIR_PORTS") or "", "%d+") do
  table.insert(ports, p)
end

function setup(thread)
  table.insert(threads, thread)
  local port = ports[#threads]
  thread.addr = wrk.lookup("127.0.0.1", port)[1]
end

function init(args)
  responses = 0
  non2xx = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local per, bad = {}, {}
  for i, t in ipairs(threads) do
    per[i] = t:get("responses")
    bad[i] = t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"responses":[%d,%d],"non2xx":[%d,%d]}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, per[1], per[2], bad[1], bad[2]))
end
