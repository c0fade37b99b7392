-- wrk script: each thread GETs a form once for the CSRF cookie and token, then POSTs
-- ratings to random paths of BENCH_PATHS (comma separated). 302 = a stored rating.
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "([^,]+)") do
  paths[#paths + 1] = p
end
local levels = {"very_satisfied", "very_satisfied", "satisfied", "satisfied", "satisfied",
                "basic", "dissatisfied", "very_dissatisfied"}
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  token, cookie = nil, nil
  receipts, errors, gets = 0, 0, 0
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local path = paths[math.random(#paths)]
  if token == nil then
    return wrk.format("GET", path)
  end
  local body = "csrfmiddlewaretoken=" .. token .. "&level=" .. levels[math.random(#levels)]
    .. "&comment=&contact_name=&contact_phone=&website="
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
  }, body)
end

function response(status, headers, body)
  if status == 302 then
    receipts = receipts + 1
  elseif status == 200 then
    gets = gets + 1
    if token == nil then
      local set = headers["Set-Cookie"] or headers["set-cookie"] or ""
      local c = string.match(set, "csrftoken=([^;]+)")
      local t = string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
      if c and t then cookie, token = c, t end
    end
  else
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local r, e, g = 0, 0, 0
  for _, thread in ipairs(threads) do
    r = r + thread:get("receipts")
    e = e + thread:get("errors")
    g = g + thread:get("gets")
  end
  local se = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_s": %.3f, "receipts": %d, "gets": %d, '
    .. '"status_errors": %d, "socket_errors": %d, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, r, g, e,
    se.connect + se.read + se.write + se.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
