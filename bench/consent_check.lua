-- wrk script (BENCH_PAUSE_MS as in paced.lua): GET /api/v1/consent-check/ for a random one of the seeded customers and purposes.
local purposes = {"marketing", "customer-support", "group-sharing", "partner-bancassurance", "analytics",
                  "biometric-auth", "cross-border-head-office", "kyc-aml", "banking-services", "credit-bureau"}
local subjects = tonumber(os.getenv("BENCH_SUBJECTS") or "100000")
local token = os.getenv("BENCH_TOKEN")
math.randomseed(os.time())
request = function()
  local ref = string.format("B%09d", math.random(1, subjects))
  local purpose = purposes[math.random(1, #purposes)]
  return wrk.format("GET", "/api/v1/consent-check/?subject=" .. ref .. "&purpose=" .. purpose,
                    {["Authorization"] = "Token " .. token})
end
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "paced.lua")  -- pacing, as in paced.lua
