"""Date the history of a demo organization from its first day of data.

Scoring as of a past day reads the definitions from their history tables,
and a demo imported today would have no definitions before today: every
earlier day of its two simulated years would score as empty. Inside
`history_dated(moment)` every new history row gets `moment` as its date, or
the time a check-in was entered, so the strategy reads as if it had existed
while its data was measured. History stays append-only: the rows are
written with that date, never changed afterwards.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from simple_history.signals import pre_create_historical_record

from hoshin.okrs.models import CheckIn

DISPATCH_UID = "hoshin-demo-history-dated"


@contextmanager
def history_dated(moment: dt.datetime) -> Iterator[None]:
    """Date the history rows written by this thread inside the block at `moment`."""
    thread = threading.get_ident()

    def set_date(sender, instance, history_instance, **kwargs) -> None:
        if threading.get_ident() != thread:
            return
        if isinstance(instance, CheckIn):
            history_instance.history_date = instance.entered_at
        else:
            history_instance.history_date = moment

    pre_create_historical_record.connect(set_date, weak=False, dispatch_uid=DISPATCH_UID)
    try:
        yield
    finally:
        pre_create_historical_record.disconnect(dispatch_uid=DISPATCH_UID)
