-- The requests of bench/run.sh's workloads, for wrk. Arguments after `--`: the workload, the header that
-- names the caller ("Authorization: Bearer …" for the server, "X-Bench-Caller: …" for the reference), the
-- number of wrk threads, then the workload's own. done() prints one BENCH line that run.sh reads.
--   profiles TEACHERS STUDENTS [PATH] GET PATH?user_id= (PATH: /profiles unless given) rotating over
--                                     every profile
--   search   Q1|Q2|…                  GET /search/teachers?topic= rotating over the queries
--   bookings TEACHERS STUDENTS FIRST DAY0 STEP PATH
--                                     POST PATH, request k (from FIRST on, over all threads) for
--                                     teacher k % TEACHERS and student k % STUDENTS, 15 minutes at
--                                     DAY0 + floor(k / TEACHERS) * STEP seconds (DAY0 in epoch seconds, UTC):
--                                     no two requests share a time for one teacher or one student
--   meetings ID1,ID2,…                GET /meetings/{session_id} rotating over the sessions

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Per thread (globals, so that done() can read them with thread:get).
generated = 0
non2xx = 0
s5xx = 0

local make

local function split(text, separator)
  local parts = {}
  for part in string.gmatch(text, "[^" .. separator .. "]+") do
    table.insert(parts, part)
  end
  return parts
end

local function urlencode(text)
  return (string.gsub(text, "[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function iso(epoch)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", epoch)
end

function init(args)
  local workload = args[1]
  local name, value = string.match(args[2], "^([^:]+):%s*(.*)$")
  local headers = { [name] = value }
  local nthreads = tonumber(args[3])
  -- The n-th request of this thread is request number n * nthreads + tid over all threads.
  local function number(n)
    return n * nthreads + tid
  end
  if workload == "profiles" then
    local teachers, students, path = tonumber(args[4]), tonumber(args[5]), args[6] or "/profiles"
    make = function(n)
      local i = number(n) % (teachers + students)
      local id = i < teachers and ("bench-teacher-" .. (i + 1)) or ("bench-student-" .. (i - teachers + 1))
      return wrk.format("GET", path .. "?user_id=" .. id, headers)
    end
  elseif workload == "search" then
    local queries = split(args[4], "|")
    make = function(n)
      return wrk.format("GET", "/search/teachers?topic=" .. urlencode(queries[number(n) % #queries + 1]), headers)
    end
  elseif workload == "bookings" then
    local teachers, students, first, day0 = tonumber(args[4]), tonumber(args[5]), tonumber(args[6]), tonumber(args[7])
    local step, path = tonumber(args[8]), args[9]
    headers["Content-Type"] = "application/json"
    make = function(n)
      local k = first + number(n)
      local start = day0 + math.floor(k / teachers) * step
      local body = string.format(
        '{"student_id":"bench-student-%d","teacher_id":"bench-teacher-%d","start_time":"%s","end_time":"%s"}',
        k % students + 1, k % teachers + 1, iso(start), iso(start + 900))
      return wrk.format("POST", path, headers, body)
    end
  elseif workload == "meetings" then
    local sessions = split(args[4], ",")
    make = function(n)
      return wrk.format("GET", "/meetings/" .. sessions[number(n) % #sessions + 1], headers)
    end
  else
    error("unknown workload " .. tostring(workload))
  end
end

function request()
  local next_request = make(generated)
  generated = generated + 1
  return next_request
end

function response(status, headers, body)
  if status >= 500 then
    s5xx = s5xx + 1
  end
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

-- used: how far the request numbers went (every thread's, in flight at the end included), so that the
-- next run of bookings starts past them.
function done(summary, latency, requests)
  local most, bad, failed = 0, 0, 0
  for _, thread in ipairs(threads) do
    most = math.max(most, thread:get("generated"))
    bad = bad + thread:get("non2xx")
    failed = failed + thread:get("s5xx")
  end
  local errors = summary.errors
  io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d s5xx=%d used=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad, failed, most * #threads,
    errors.connect + errors.read + errors.write + errors.timeout))
end
