"""Throttling of the reporters' lookups, shared by the page and the API: per address, every lookup counts on
arrival (atomic, so a burst of parallel guesses gets no more than the limit) and, more tightly, the wrong
ones (an unknown number or a wrong phone): case numbers cannot be harvested by guessing the four digits."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Response, current_app
from flask_limiter import RequestLimit

from app.errors import error_response
from app.extensions import limiter

WRONG = (404, 422)


def retry_after(limit: RequestLimit) -> int:
    return max(1, int(limit.reset_at - time.time()))


def json_throttled(limit: RequestLimit) -> Response:
    """The API's 429, in the contract's error shape, saying when to try again."""
    resp = error_response(429, "too many lookups from this address; try again later", code="too_many_requests")
    resp.headers["Retry-After"] = str(retry_after(limit))
    return resp


def _wrong(response: Response) -> bool:
    return response.status_code in WRONG


Breach = Callable[[RequestLimit], Response]


def throttled(methods: list[str], on_breach: Breach = json_throttled) -> Callable[[Any], Any]:
    """Both limits on a lookup route, for the methods that look up."""
    def wrap(view: Any) -> Any:
        view = limiter.shared_limit(lambda: current_app.config["TRACK_LIMIT_WRONG_PER_ADDRESS"], scope="track-wrong",
                                    methods=methods, deduct_when=_wrong, on_breach=on_breach)(view)
        return limiter.shared_limit(lambda: current_app.config["TRACK_LIMIT_PER_ADDRESS"], scope="track-all",
                                    methods=methods, on_breach=on_breach)(view)
    return wrap
