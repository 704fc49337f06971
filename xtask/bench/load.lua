-- The load test's requests for wrk: `wrk ... -s load.lua ORIGIN -- COOKIE FILE`
-- sends the GET paths listed in FILE (one a line) in turn, each with the cookie.
local requests = {}
local next_request = 0

function init(args)
  for line in io.lines(args[2]) do
    requests[#requests + 1] = wrk.format("GET", line, { ["Cookie"] = args[1] })
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
