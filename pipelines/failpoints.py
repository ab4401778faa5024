"""Named points where a test may stop a writer dead (``kill -9``) to prove that nothing is lost.

``BILIM_FAILPOINT=<name>`` makes the process announce that it reached ``<name>`` (a marker file under
``$BILIM_HOME``) and wait there, so the test can kill it at exactly that moment. Unset, a failpoint costs one
environment lookup.
"""

from __future__ import annotations

import os
import time

from contracts.home import Layout

AFTER_ARCHIVE = "after_archive"  # the file is archived, the ledger not yet appended
IN_TRANSACTION = "in_transaction"  # a warehouse transaction has written but not committed
WHILE_PUBLISHING = "while_publishing"  # a build's files are written, CURRENT not yet switched


def failpoint(name: str) -> None:
    if os.environ.get("BILIM_FAILPOINT") != name:
        return
    marker = Layout.current().home / f".failpoint-{name}"
    marker.write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get("BILIM_FAILPOINT_WAIT_S", "60")))
