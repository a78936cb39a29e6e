-- wrk script of bench/http_api.sh: one request kind per run, and one JSON line of results.
--
--   BODIES=FILE wrk -s bench/lua/http_load.lua ... URL   POST each line of FILE (a JSON body) in
--                                                        turn, threads starting at different lines
--   wrk -s bench/lua/http_load.lua ... URL               GET URL
--
-- done() prints `WRK_JSON {...}`: requests, duration_s, rps, p50/p90/p99/max latency in ms (exact
-- percentiles of wrk's microsecond histogram), and wrk's error counts (status = non-2xx/3xx).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local requests = nil

function init(args)
  local path = os.getenv("BODIES")
  if not path or path == "" then return end
  local headers = { ["Content-Type"] = "application/json" }
  requests = {}
  for line in io.lines(path) do
    if #line > 0 then
      table.insert(requests, wrk.format("POST", nil, headers, line))
    end
  end
  assert(#requests > 0, "no bodies in " .. path)
  -- Threads start spread over the list, so they do not send the same query at the same time.
  counter = 1 + (id * math.floor(#requests / 2)) % #requests
end

function request()
  if not requests then return wrk.format() end
  local r = requests[counter]
  counter = counter % #requests + 1
  return r
end

function done(summary, latency, _)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.3f, ' ..
    '"p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f, "errors": ' ..
    '{"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, s, summary.requests / s, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    latency.mean / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
