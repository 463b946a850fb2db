"""Distributed crawling: many ``scrapy crawl news`` processes on one frontier in Redis.

``-s NEWSCRAWL_REDIS_URL=redis://host:6379/0`` turns it on (:mod:`.addon`); see the
README section "Distributed crawling". Modules:

- :mod:`.addon`       the switch (settings at add-on priority);
- :mod:`.frontier`    the Redis side: atomic push, leased pop, reclaiming a dead worker;
- :mod:`.scheduler`   scrapy-redis's scheduler and queue, with leases;
- :mod:`.coordinator` heartbeat, reaping, pushed start points, batch end (an extension);
- :mod:`.seeding`     ``-a`` start points pushed once per batch (a spider middleware);
- :mod:`.start_points` sites and start points shared by the fleet;
- :mod:`.store`       the emitted-articles store in Redis and the exactly-once claim;
- :mod:`._imports`    the one import of ``redis``/``scrapy-redis`` (``newscrawl[redis]``);
- :mod:`._engine`     the two private engine details the scheduler relies on.
"""
