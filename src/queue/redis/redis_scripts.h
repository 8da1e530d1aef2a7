// The Lua scripts RedisQueue runs with EVAL: each is one atomic step on the
// server, so a crash between two commands never loses or duplicates an entry.
#pragma once

namespace vox::queue::redis::scripts {

// KEYS: delayed, stream. ARGV: now, max. Moves due job ids into the stream.
inline constexpr const char* kPromote = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('XADD', KEYS[2], '*', 'job', id)
end
return #due
)lua";

// KEYS: stream. ARGV: group, entry id, owner ('' = any). XACK + XDEL the
// entry; with an owner, only while that consumer holds it (a late ack of a
// delivery that was reclaimed must not end the new holder's delivery).
// Returns 1 acked, 0 not pending, -1 held by another consumer.
inline constexpr const char* kAck = R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 then
  return 0
end
if ARGV[3] ~= '' and p[1][2] ~= ARGV[3] then
  return -1
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
)lua";

// KEYS: stream, delayed. ARGV: group, entry id, job id, due, now. Ends the
// entry and schedules the job: into the stream now, or the delayed ZSET.
inline constexpr const char* kReschedule = R"lua(
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if tonumber(ARGV[4]) <= tonumber(ARGV[5]) then
  redis.call('XADD', KEYS[1], '*', 'job', ARGV[3])
else
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
end
return 1
)lua";

// KEYS: stream, dead. ARGV: group, entry id, job id, reason, attempts.
inline constexpr const char* kDeadLetter = R"lua(
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', '100000', '*', 'job', ARGV[3], 'reason', ARGV[4],
           'attempts', ARGV[5])
return 1
)lua";

// KEYS: stream, delayed, dead. ARGV: group. Returns {backlog, pending, delayed, dead}.
inline constexpr const char* kStats = R"lua(
local len = redis.call('XLEN', KEYS[1])
local pending = 0
if len > 0 or redis.call('EXISTS', KEYS[1]) == 1 then
  pending = redis.call('XPENDING', KEYS[1], ARGV[1])[1]
end
return {len - pending, pending, redis.call('ZCARD', KEYS[2]), redis.call('XLEN', KEYS[3])}
)lua";

}  // namespace vox::queue::redis::scripts
