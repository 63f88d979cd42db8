"""The one clock of hoctap: `SOURCE_DATE_EPOCH` when set (reproducible builds and tests), else now.

Every "now" and "today" in the application comes from here and is passed
down as an argument; `intake`, `scoring` and the site plugin never read a clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone

# Viet Nam keeps UTC+7 all year: a fixed offset needs no time-zone database.
VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


def now() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)


def today() -> date:
    """Today in Viet Nam (a deadline at midnight is Viet Nam's midnight)."""
    return now().astimezone(VIETNAM).date()
