-- wrk script of bench/writes: every request POSTs a new benchmark result
-- with its own id (thread number and a counter), so each one is a real
-- durable write. The body is the seed's shape with a citation.
-- The report line is wrk-report.lua's (loaded from the same directory).

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "wrk-report.lua")

local counter = 0
local thread_id = 0
local threads = {}
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = os.getenv("BENCH_ID_PREFIX") or "bench"

function setup(thread)
  thread_id = thread_id + 1
  thread:set("thread_id", thread_id)
  table.insert(threads, thread)
end

local template = '{"id":"%s","model":"grok-4","benchmark":"humanitys-last-exam",'
  .. '"score":%d,"reported_as":null,"evaluator":"artificial-analysis",'
  .. '"evaluator_relationship":"third_party","tools":"none",'
  .. '"known_since":{"value":"2025-07-12","precision":"day"},'
  .. '"source":"artificial-analysis-grok4-results","note":null,'
  .. '"citations":[{"source":"artificial-analysis-grok4-results",'
  .. '"quoted_in":"yicai-grok4-article","quote":"在 「人类最后的考试」(HLE) 测试中"}]}'

function request()
  counter = counter + 1
  local id = string.format("%s-%d-%d", prefix, thread_id, counter)
  local body = string.format(template, id, counter % 100)
  return wrk.format("POST", "/v1/results", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
