"""One run, many workers: the run key, who seeds the run, who is still busy, and when the run is done.

Every key of a run lives under `newscrawl:run:{run_key}:`, so nothing an earlier or killed run left
behind is seen by a new run. `newscrawl:{spider}:current` names the spider's live run; a worker that
starts while it is live joins it, otherwise it starts a new run (a new night).

- A worker is *busy* from the moment it joins until it goes idle (nothing in flight, nothing to
  parse), and again from the moment it pops a request: the pop and the busy mark are one Lua script,
  so no other worker can see an empty queue and no busy worker while a request is on its way.
- Busy marks expire after NEWSCRAWL_WORKER_TTL seconds unless the worker's heartbeat renews them: the
  share of a worker killed with SIGKILL is given up after that long, and the others can finish.
- The run is *done* when the queue is empty and no worker is busy. A worker that sees it done marks it
  so and exits; the others see the mark at their next idle check (Scrapy checks every 5 seconds).
- The run's state key is renewed by every heartbeat; if it vanishes (Redis restarted, its data lost)
  the workers say so and end the run failed, so that the next run walks every list page.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)

KEEP_FINISHED = 24 * 3600  # how long a finished run's marks stay in Redis (seconds)

JOIN_OR_START = """
local current = redis.call('GET', KEYS[1])
if current then
  local prefix = 'newscrawl:run:' .. current .. ':'
  if redis.call('EXISTS', prefix .. 'state') == 1 and redis.call('EXISTS', prefix .. 'done') == 0 then
    return current
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('HSET', 'newscrawl:run:' .. ARGV[1] .. ':state', 'started', ARGV[3])
redis.call('EXPIRE', 'newscrawl:run:' .. ARGV[1] .. ':state', ARGV[2])
return ARGV[1]
"""

# Pop the first request of a priority queue (a sorted set) and mark the worker busy, in one step.
POP_AND_MARK_BUSY = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0)
if #item == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
return item[1]
"""

RENEW_IF_CURRENT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1
"""

DELETE_IF_CURRENT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


class RunStateLost(RuntimeError):
    """The run's marks are gone from Redis (restarted without persistence, or flushed)."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def new_run_key() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


class RunCoordinator:
    def __init__(self, server: Any, spider: str, ttl: int = 30, run_key: str | None = None, worker: str | None = None):
        self.server = server
        self.spider = spider
        self.ttl = max(int(ttl), 3)
        self.run_key = run_key
        self.worker = worker or worker_name()
        self.seeder = False
        self.busy = False
        self._pop = server.register_script(POP_AND_MARK_BUSY)

    # --- keys ------------------------------------------------------------------------------
    @property
    def current_key(self) -> str:
        return f"newscrawl:{self.spider}:current"

    def key(self, what: str) -> str:
        return f"newscrawl:run:{self.run_key}:{what}"

    @property
    def busy_key(self) -> str:
        return self.key(f"busy:{self.worker}")

    # --- a worker's life -------------------------------------------------------------------
    def start_or_join(self) -> str:
        """Join the spider's live run (or the one named), else start a new one; returns the run key."""
        started = datetime.now(UTC).isoformat()
        if self.run_key is None:
            key = self.server.eval(JOIN_OR_START, 1, self.current_key, new_run_key(), self.ttl, started)
            self.run_key = key.decode() if isinstance(key, bytes) else key
        else:  # named by `newscrawl crawl --workers`, which started it a moment ago
            self.server.set(self.current_key, self.run_key, ex=self.ttl)
            self.server.hsetnx(self.key("state"), "started", started)
            self.server.expire(self.key("state"), self.ttl)
        return self.run_key

    def join(self) -> None:
        """Register as a worker of the run, busy until the first idle; the first to ask seeds the run."""
        if self.run_key is None:
            self.start_or_join()
        pipe = self.server.pipeline()
        pipe.sadd(self.key("workers"), self.worker)
        pipe.expire(self.key("workers"), KEEP_FINISHED)
        pipe.set(self.busy_key, "1", ex=self.ttl)
        pipe.set(self.key("seeder"), self.worker, nx=True, ex=KEEP_FINISHED)
        *_, seeded = pipe.execute()
        self.busy = True
        self.seeder = bool(seeded)
        logger.info("worker %s joined run %s%s", self.worker, self.run_key, " and seeds it" if self.seeder else "")

    def pop(self, queue_key: str) -> bytes | None:
        """The next request of the shared queue, marking this worker busy in the same step."""
        data = self._pop(keys=[queue_key, self.busy_key], args=[self.ttl])
        if data:
            self.busy = True
        return data or None

    def heartbeat(self) -> None:
        """Keep this worker's busy mark and the run alive; RunStateLost if Redis forgot the run."""
        if self.is_done():
            return
        if not self.server.expire(self.key("state"), self.ttl):
            raise RunStateLost(f"run {self.run_key}: its state is gone from Redis (restarted or flushed?)")
        self.server.eval(RENEW_IF_CURRENT, 1, self.current_key, self.run_key, self.ttl)
        if self.busy:
            self.server.set(self.busy_key, "1", ex=self.ttl)

    def idle(self, queue_key: str) -> bool:
        """This worker has nothing left in hand; True if the whole run is done (and marks it done)."""
        self.server.delete(self.busy_key)
        self.busy = False
        if self.is_done():
            return True
        if not self.server.exists(self.key("state")):
            raise RunStateLost(f"run {self.run_key}: its state is gone from Redis (restarted or flushed?)")
        if self.server.zcard(queue_key) or self.busy_workers():
            return False
        self._mark_done()
        return True

    def is_done(self) -> bool:
        return bool(self.server.exists(self.key("done")))

    def busy_workers(self) -> list[str]:
        workers = [name.decode() if isinstance(name, bytes) else name for name in self.server.smembers(self.key("workers"))]
        return [name for name in workers if self.server.exists(self.key(f"busy:{name}"))]

    def _mark_done(self) -> None:
        pipe = self.server.pipeline()
        pipe.set(self.key("done"), self.worker, ex=KEEP_FINISHED)
        pipe.expire(self.key("state"), KEEP_FINISHED)
        # The queue is empty; the fingerprints are of no use to a later run (it has its own key).
        pipe.delete(self.key("requests"), self.key("dupefilter"))
        pipe.execute()
        self.server.eval(DELETE_IF_CURRENT, 1, self.current_key, self.run_key)
        logger.info("run %s is done: queue empty and no worker busy", self.run_key)

    def leave(self) -> None:
        """This worker stops (finished, or closed for its own reason): it holds nothing any more."""
        self.server.delete(self.busy_key)
        self.busy = False
