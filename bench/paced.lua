-- wrk script for a fixed path: with BENCH_PAUSE_MS set, each connection waits that long between calls.
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end
