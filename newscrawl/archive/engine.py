"""Run ``python -m newscrawl warc`` shards on an existing engine (Dask, Ray, a batch queue).

There is no cluster code here: a shard is the command ``python -m newscrawl warc PATHS…
--shard I/N -O OUTPUT``, a process of its own that any scheduler can start, and
:func:`run_shard` is that command as a plain function, for engines that schedule Python
calls. On Dask (``pip install 'newscrawl[dask]'``)::

    from dask.distributed import Client, LocalCluster
    from newscrawl.archive.engine import run_shard

    paths = ["/data/cc-news/2024/05/"]          # the same files, seen by every worker
    with LocalCluster(n_workers=4, threads_per_worker=1) as cluster, Client(cluster) as client:
        futures = [client.submit(run_shard, paths, i, 4, f"out/items-{i}.jsonl", pure=False)
                   for i in range(1, 5)]
        for shard in client.gather(futures):
            print(shard["shard"], shard["returncode"], shard["output"])

Each shard keeps its own progress file (``OUTPUT.warc-progress``): a shard that fails or
whose worker dies is resumed by submitting it again. With one shard per core, give each
``-s NEWSCRAWL_PAGE_WORKERS=0`` (the default ``extra``): the engine spreads the work
over the cores, and page workers inside each shard would only compete with the others.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import Any

#: Settings every shard gets unless ``extra`` says otherwise.
SHARD_SETTINGS = ("-s", "NEWSCRAWL_PAGE_WORKERS=0", "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0")


def shard_command(paths: Sequence[str], index: int, count: int, output: str,
                  extra: Sequence[str] = SHARD_SETTINGS) -> list[str]:
    """The command line of shard ``index`` (1-based) of ``count``."""
    return [sys.executable, "-m", "newscrawl", "warc", *map(str, paths),
            "--shard", f"{index}/{count}", "-O", str(output), *extra]


def run_shard(paths: Sequence[str], index: int, count: int, output: str,
              extra: Sequence[str] = SHARD_SETTINGS) -> dict[str, Any]:
    """Run one shard to its end; its exit status and the last lines of its log."""
    result = subprocess.run(shard_command(paths, index, count, output, extra),
                            capture_output=True, text=True, check=False)
    return {"shard": f"{index}/{count}", "returncode": result.returncode, "output": str(output),
            "log_tail": result.stderr[-2000:]}
