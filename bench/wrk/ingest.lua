-- hookd-bench's wrk producer (`--producer wrk`, bench/README.md): wrk itself posts a phase's
-- messages to hookd, so the producer's CPU is wrk's, not hookd-bench's.
--
--   wrk -t1 -cN -dD --timeout D -s bench/wrk/ingest.lua http://127.0.0.1:PORT/v1/messages \
--       -- PLAN_FILE OUT_FILE
--
-- PLAN_FILE is written by hookd-bench for each run (bench/bench/wrk_producer.cpp), one item a line:
--   messages N         -- the phase's message count (this script runs in one wrk thread)
--   pad N              -- length of the payload's "pad" string
--   token T            -- optional: sent as "Authorization: Bearer T"
--   endpoint ID GROUP COUNT -- an endpoint, its group and its number of messages, in plan order
--
-- Each message is POST /v1/messages {"event_type":"bench.GROUP","endpoint_id":ID,"payload":…},
-- in the same order as hookd-bench's own producer: round by round over the endpoints, each
-- endpoint while it has messages left in that round (its COUNT follows the group weights).
--
-- The script stops after the phase's N messages instead of running for a duration: once N
-- messages have had a final answer (anything but 429/503, which are posted again), the thread
-- stops and writes OUT_FILE.done. So no message is in flight when wrk stops, and every message
-- hookd acknowledged is known. A connection that has nothing left to post sends GET /healthz
-- until then (answered 200, never counted).
--
-- OUT_FILE gets one line per 202: "MESSAGE_ID ENDPOINT_ID SECONDS NANOSECONDS" (CLOCK_REALTIME
-- when the 202 was read; both ids from the 202's body). done() prints one line of counters:
--   hookd-bench-wrk issued=… accepted=… retried_429=… retried_503=… final=… first_s=…
--   first_ns=… rejected=STATUS:N,… errors_connect=… errors_read=… errors_write=…
--   errors_timeout=…

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } hookd_bench_timespec;
int clock_gettime(int clock_id, hookd_bench_timespec* tp);
]]
local clock_now = ffi.new("hookd_bench_timespec")
local CLOCK_REALTIME = 0

-- setup / done run in wrk's main Lua state --------------------------------------------------

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    local rejected = {}
    for status, n in pairs(t:get("rejected") or {}) do
      rejected[#rejected + 1] = status .. ":" .. n
    end
    io.write(string.format(
      "hookd-bench-wrk issued=%d accepted=%d retried_429=%d retried_503=%d final=%d " ..
      "first_s=%d first_ns=%d rejected=%s errors_connect=%d errors_read=%d errors_write=%d " ..
      "errors_timeout=%d\n",
      t:get("issued") or 0, t:get("accepted") or 0, t:get("retried_429") or 0,
      t:get("retried_503") or 0, t:get("final") or 0, t:get("first_s") or 0,
      t:get("first_ns") or 0, table.concat(rejected, ","), summary.errors.connect,
      summary.errors.read, summary.errors.write, summary.errors.timeout))
  end
end

-- init / request / response run in the wrk thread -------------------------------------------

issued, accepted, retried_429, retried_503, final = 0, 0, 0, 0, 0
first_s, first_ns = 0, 0
rejected = {}

local messages, quota = 0, 0
local requests, counts = {}, {}
local round, cursor, rounds = 0, 0, 0
local filler, out, out_path, finished

local function read_plan(path)
  local endpoints, pad, token = {}, 0, ""
  for line in io.lines(path) do
    local key, rest = line:match("^(%S+)%s*(.*)$")
    if key == "messages" then
      messages = tonumber(rest)
    elseif key == "pad" then
      pad = tonumber(rest)
    elseif key == "token" then
      token = rest
    elseif key == "endpoint" then
      local id, group, count = rest:match("^(%S+) (%S+) (%d+)$")
      endpoints[#endpoints + 1] = { id = id, group = group, count = tonumber(count) }
    end
  end
  return endpoints, string.rep("x", pad), token
end

function init(args)
  local endpoints, pad, token = read_plan(args[1])
  out_path = args[2]
  out = assert(io.open(out_path, "w"))
  for i, e in ipairs(endpoints) do
    local headers = { ["Content-Type"] = "application/json" }
    if token ~= "" then
      headers["Authorization"] = "Bearer " .. token
    end
    local body = '{"event_type":"bench.' .. e.group .. '","endpoint_id":"' .. e.id ..
                 '","payload":{"seq":0,"pad":"' .. pad .. '"}}'
    requests[i] = wrk.format("POST", "/v1/messages", headers, body)
    counts[i] = e.count
    rounds = math.max(rounds, e.count)
  end
  filler = wrk.format("GET", "/healthz", {})
  quota = messages
end

-- The next endpoint in plan order: round by round, each endpoint with more than `round`
-- messages. After the plan (only when 429/503 asked for more posts) it starts over.
local function next_endpoint()
  while true do
    cursor = cursor + 1
    if cursor > #counts then
      cursor, round = 1, round + 1
      if round >= rounds then
        round = 0
      end
    end
    if counts[cursor] > round then
      return cursor
    end
  end
end

-- wrk calls request() once after init() to check the request it returns (script_verify_request)
-- and never sends that one; it gets the filler, so no message is counted that was not sent.
local verified = false

function request()
  if not verified or issued >= quota or rounds == 0 then
    verified = true
    return filler
  end
  if issued == 0 then
    ffi.C.clock_gettime(CLOCK_REALTIME, clock_now)
    first_s, first_ns = tonumber(clock_now.tv_sec), tonumber(clock_now.tv_nsec)
  end
  issued = issued + 1
  return requests[next_endpoint()]
end

local function finish()
  finished = true
  out:close()
  local marker = assert(io.open(out_path .. ".done", "w"))
  marker:close()
  wrk.thread:stop()
end

function response(status, headers, body)
  if status == 200 or finished then
    return -- GET /healthz while the last answers are awaited
  end
  if status == 202 then
    ffi.C.clock_gettime(CLOCK_REALTIME, clock_now)
    out:write(body:match('"id":%s*"([^"]+)"') or "-", " ",
              body:match('"endpoint_id":%s*"([^"]+)"') or "-", " ",
              tostring(tonumber(clock_now.tv_sec)), " ", tostring(tonumber(clock_now.tv_nsec)),
              "\n")
    accepted = accepted + 1
    final = final + 1
  elseif status == 429 or status == 503 then
    if status == 429 then
      retried_429 = retried_429 + 1
    else
      retried_503 = retried_503 + 1
    end
    quota = quota + 1 -- post one more in its place
  else
    rejected[status] = (rejected[status] or 0) + 1
    final = final + 1
  end
  if final >= messages then
    finish()
  end
end
