"""Named points where a test may stop a writer dead (``kill -9``), or make the write there fail, to prove that
nothing is lost.

``BILIM_FAILPOINT=<name>`` makes the process announce that it reached ``<name>`` (a marker file under
``$BILIM_HOME``) and wait there, so the test can kill it at exactly that moment. ``BILIM_FAILPOINT=<name>:enospc``
(or ``:eio``, ``:erofs``) makes the write at ``<name>`` fail as the disk would: ``OSError`` with that errno, raised
where the real write is. Unset, a failpoint costs one environment lookup.
"""

from __future__ import annotations

import errno
import os
import time

from contracts.home import Layout

AFTER_ARCHIVE = "after_archive"  # the file is archived, the ledger not yet appended
IN_TRANSACTION = "in_transaction"  # a warehouse transaction has written but not committed
WHILE_PUBLISHING = "while_publishing"  # a build's files are written, CURRENT not yet switched
AFTER_PUBLISH = "after_publish"  # `bilim ingest` has published its build, its verdicts not yet printed

# Where the real writes are (for the :enospc / :eio faults; they wait like the others when given bare).
ARCHIVE_WRITE = "archive_write"  # an accepted file is copied into the archive
LEDGER_APPEND = "ledger_append"  # the ledger entry is appended (the commit point)
WAREHOUSE_WRITE = "warehouse_write"  # an asset replaces its warehouse tables
PUBLISH_WRITE = "publish_write"  # a build's Parquet files are exported
WRITE_POINTS = (ARCHIVE_WRITE, LEDGER_APPEND, WAREHOUSE_WRITE, PUBLISH_WRITE)

FAULTS = {"enospc": errno.ENOSPC, "eio": errno.EIO, "erofs": errno.EROFS}


def failpoint(name: str) -> None:
    value = os.environ.get("BILIM_FAILPOINT")
    if not value:
        return
    point, _, fault = value.partition(":")
    if point != name:
        return
    if fault:
        code = FAULTS[fault]
        raise OSError(code, os.strerror(code), f"failpoint {name}")
    marker = Layout.current().failpoint_marker(name)
    marker.write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get("BILIM_FAILPOINT_WAIT_S", "60")))
