-- wrk script for a fixed path: with BENCH_PAUSE_MS set, each connection waits a random time with that
-- mean between calls (exponential, as independent clients arrive), so 32 clients do not call in step.
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
math.randomseed(os.time())
if pause > 0 then
  delay = function() return math.floor(-pause * math.log(1 - math.random())) end
end
