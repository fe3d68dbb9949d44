import { AFFINITY_FLOOR } from './effects.js';

/**
 * Applies one user's events atomically: for each event, `SET <dedup key> NX EX`
 * and only if that succeeded the state changes, all inside one script, so the
 * idempotency mark and the effects of an event are written together or not at
 * all. A batch redelivered after a crash (written here, offset not committed)
 * is then recognised event by event.
 *
 * KEYS: 1 state hash, 2 affinity hash, 3 recent list, 4 seen zset,
 *       5 impressions hash, 6.. one dedup key per event (all one user's slot).
 * ARGV: 1 state TTL s, 2 dedup TTL s, 3 recent limit, 4 seen limit,
 *       5 session gap ms, 6 affinity half-life ms, then 5 per event:
 *       flags (c click, r recent, s seen, i impression), item, timestamp ms,
 *       affinity weight, categories joined by \x1f.
 * Returns the number of events applied.
 */
export const APPLY_USER_EVENTS_LUA = `
local stateTtl, dedupTtl = tonumber(ARGV[1]), tonumber(ARGV[2])
local recentLimit, seenLimit = tonumber(ARGV[3]), tonumber(ARGV[4])
local gap, halfLife = tonumber(ARGV[5]), tonumber(ARGV[6])
local floor = ${AFFINITY_FLOOR}

local st = redis.call('HMGET', KEYS[1], 'n', 'start', 'last', 'clicks', 'aff_t')
local n, start, last = tonumber(st[1]) or 0, tonumber(st[2]) or 0, tonumber(st[3]) or 0
local clicks, affT = tonumber(st[4]) or 0, tonumber(st[5]) or 0
local aff = nil
local applied, recentTouched, seenTouched = 0, false, false

local function loadAffinity()
  local t, flat = {}, redis.call('HGETALL', KEYS[2])
  for j = 1, #flat, 2 do t[flat[j]] = tonumber(flat[j + 1]) end
  return t
end

for i = 1, #KEYS - 5 do
  if redis.call('SET', KEYS[5 + i], '1', 'NX', 'EX', dedupTtl) then
    local a = 6 + (i - 1) * 5
    local flags, item, ts = ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
    local weight, cats = tonumber(ARGV[a + 4]), ARGV[a + 5]
    applied = applied + 1
    n = n + 1
    if last == 0 or ts > last + gap then start = ts; clicks = 0 end
    if ts > last then last = ts end
    if string.find(flags, 'c', 1, true) then clicks = clicks + 1 end
    if string.find(flags, 'i', 1, true) then redis.call('HINCRBY', KEYS[5], item, 1) end
    if string.find(flags, 'r', 1, true) then
      redis.call('LREM', KEYS[3], 0, item)
      redis.call('LPUSH', KEYS[3], item)
      recentTouched = true
    end
    if string.find(flags, 's', 1, true) then
      redis.call('ZADD', KEYS[4], 'GT', ts, item)
      seenTouched = true
    end
    if weight ~= 0 and cats ~= '' then
      aff = aff or loadAffinity()
      if affT == 0 then affT = ts end
      if ts > affT then
        local f = 2 ^ (-(ts - affT) / halfLife)
        for c, s in pairs(aff) do aff[c] = s * f end
        affT = ts
      end
      local add = weight * 2 ^ (-(affT - ts) / halfLife)
      for c in string.gmatch(cats, '[^\\031]+') do aff[c] = (aff[c] or 0) + add end
    end
  end
end

if applied == 0 then return 0 end
redis.call('HSET', KEYS[1], 'n', n, 'start', start, 'last', last, 'clicks', clicks, 'aff_t', affT)
if aff then
  redis.call('DEL', KEYS[2])
  for c, s in pairs(aff) do
    if math.abs(s) >= floor then redis.call('HSET', KEYS[2], c, s) end
  end
end
if recentTouched then redis.call('LTRIM', KEYS[3], 0, recentLimit - 1) end
if seenTouched then redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(seenLimit + 1)) end
for k = 1, 5 do redis.call('EXPIRE', KEYS[k], stateTtl) end
return applied
`;
