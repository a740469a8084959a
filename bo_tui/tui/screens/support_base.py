"""What the Support screens share (SPEC section 8): dates as they show, and one core call per
worker with its result back on the screen (R-SUP-*)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bo_tui.store import Session

from ..widgets.support_forms import Field, SupportForm
from .base import BaseScreen


def _day(t: dt.datetime | None) -> str:
    return f"{t:%Y-%m-%d}" if t else "—"


def _when(t: dt.datetime | None) -> str:
    return f"{t:%Y-%m-%d %H:%M}" if t else "—"


def _parse_date(text: str, field: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: use the form YYYY-MM-DD") from None


def _parse_datetime(text: str, field: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise ValueError(f"{field}: use the form YYYY-MM-DD HH:MM") from None


class SupportBase(BaseScreen):
    """Shared by the Support screen and the case detail: one core call per worker."""

    def call_core(
        self,
        fn: Callable[[Session, dt.datetime], Any],
        then: Callable[[Any], None] | None = None,
        *,
        group: str = "support",
        exclusive: bool = False,
    ) -> None:
        app = self.app

        def job() -> None:
            with app.store.transaction() as session:
                result = fn(session, app.now())
            if then is not None:
                app.call_from_thread(then, result)

        self.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def form(self, title: str, fields: list[Field], submit, then=None, *, ok: str = "Save") -> None:
        def done(result: Any) -> None:
            if result is not None and then is not None:
                then(result)

        self.app.push_screen(SupportForm(title, fields, submit, ok=ok), done)
