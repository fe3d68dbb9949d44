/**
 * Counts a run of events in the popularity sorted sets atomically: for each
 * event `SET <mark> NX EX` and only if that succeeded its ZINCRBYs, in one
 * script, so an event's mark and its counts are written together or not at
 * all (the same exactly-once argument as apply-script.ts). Every key lives in
 * the `{pop}` hash slot, so the script is cluster-safe.
 *
 * KEYS: 1 the epoch hash (scope key -> t0), 2..1+S the scope sorted sets,
 *       2+S.. one mark per event.
 * ARGV: 1 half-life ms, 2 epoch length ms, 3 scope TTL s, 4 mark TTL s,
 *       5 max items per scope, 6 S, 7 floor, then per event: item, timestamp
 *       ms, weight, n, and n indexes (1..S) of the scopes it counts in.
 * Returns the number of events counted.
 */
export const COUNT_POPULARITY_LUA = `
local halfLife, epochLen = tonumber(ARGV[1]), tonumber(ARGV[2])
local ttl, markTtl, maxItems = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local scopes, floor = tonumber(ARGV[6]), tonumber(ARGV[7])
local epochs, touched = {}, {}

-- t0 of a scope, or false for a scope that does not exist (yet, or any more).
local function epochOf(j)
  if epochs[j] == nil then
    local key = KEYS[1 + j]
    epochs[j] = redis.call('EXISTS', key) == 1 and tonumber(redis.call('HGET', KEYS[1], key)) or false
  end
  return epochs[j]
end

local applied, a = 0, 8
for i = 1, #KEYS - 1 - scopes do
  local item, ts, weight, n = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local first = a + 4
  a = first + n
  if redis.call('SET', KEYS[1 + scopes + i], '1', 'NX', 'EX', markTtl) then
    applied = applied + 1
    local start = math.floor(ts / epochLen) * epochLen
    for k = first, first + n - 1 do
      local j = tonumber(ARGV[k])
      local key = KEYS[1 + j]
      local t0 = epochOf(j)
      if not t0 or start > t0 then
        if t0 then
          redis.call('ZUNIONSTORE', key, 1, key, 'WEIGHTS', 2 ^ (-(start - t0) / halfLife))
          redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. floor)
        end
        t0 = start
        epochs[j] = t0
        redis.call('HSET', KEYS[1], key, string.format('%d', t0))
      end
      redis.call('ZINCRBY', key, weight * 2 ^ ((ts - t0) / halfLife), item)
      touched[j] = true
    end
  end
end

for j in pairs(touched) do
  redis.call('ZREMRANGEBYRANK', KEYS[1 + j], 0, -(maxItems + 1))
  redis.call('EXPIRE', KEYS[1 + j], ttl)
end
if applied > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return applied
`;
