"""The log sender writes what it would deliver with every phone masked: the reporter's and those of a team's
members on duty."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from app.notify.messages import Message
from app.notify.senders import LogSender


def test_the_log_masks_the_reporter_s_phone_and_the_members_on_duty(caplog):
    message = Message("k1", "step", "team", "MS1", {"team": "ms-xiuzhou-gaozhao", "on_duty": [
        {"username": "gaozhao2", "name": "孙丽", "phone": "13905739999"}]}, "【新待办】", "http://x/track",
        datetime.now(UTC))
    reporter = Message("k2", "accepted", "reporter", "MS1", {"phone": "13800138000"}, "受理", "http://x/track",
                       datetime.now(UTC))
    with caplog.at_level(logging.INFO, logger="app.notify"):
        LogSender().send(message)
        LogSender().send(reporter)
    text = caplog.text
    assert "13905739999" not in text and "139****9999" in text
    assert "13800138000" not in text and "138****8000" in text
