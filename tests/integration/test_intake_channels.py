"""Intake by channel (CONTRACT.md): each front door's details round-trip, response times start at the call,
and bad details are refused with nothing stored."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

CALLED = "2026-12-01T09:58:00+08:00"
DETAILS = {
    "110": {"incident_no": "JX110-20261201-0042", "called_at": CALLED, "police_station": "高照派出所"},
    "12345": {"work_order_no": "12345-2026-88812", "called_at": CALLED},
    "online": {"platform": "嘉兴在线论坛", "url": "https://bbs.example.cn/t/123", "poster": "秀洲老王",
               "posted_at": CALLED},
    "market": {"market": "濮院羊毛衫市场", "stall": "A区 3-17"},
    "walk_in": {"service_station": "高照街道民声服务站"},
}


def _body(channel, details, ref):
    return {"channel": channel, "external_ref": ref, "description": "货车司机反映物流平台拖欠运费 1080 元",
            "reporter": {"name": "谢师傅", "phone": "13800138000"}, "township": "高照街道",
            "channel_details": details}


@pytest.mark.parametrize("channel", sorted(DETAILS))
def test_each_channels_details_round_trip(clients, channel):
    sent = clients("intake").post("/cases", json=_body(channel, DETAILS[channel], f"ch-{channel}"))
    assert sent.status_code == 201, sent.text
    case = clients("supervisor").get(f"/cases/{sent.json()['case_no']}").json()
    got = case["channel_details"]
    for key, value in DETAILS[channel].items():
        if key.endswith("_at"):
            assert datetime.fromisoformat(got[key]) == datetime.fromisoformat(value)
        else:
            assert got[key] == value
    timed = channel in ("110", "12345", "online")
    assert (case["called_at"] is not None) == timed
    if timed:
        assert datetime.fromisoformat(case["called_at"]) == datetime.fromisoformat(CALLED)


@pytest.mark.parametrize("details, field", [
    ({"called_at": "昨天上午"}, "channel_details.called_at"),
    ({"incident_no": 42}, "channel_details.incident_no"),
    ({"called_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat(timespec="seconds")},
     "channel_details.called_at"),
    ("JX110-1", "channel_details"),
])
def test_bad_channel_details_are_refused_and_nothing_is_stored(clients, sql, details, field):
    before = sql("SELECT count(*) FROM cases")[0][0]
    resp = clients("intake").post("/cases", json=_body("110", details, "ch-bad"))
    assert resp.status_code == 422, resp.text
    assert field in resp.json()["error"]["fields"], resp.json()
    assert sql("SELECT count(*) FROM cases")[0][0] == before


def test_a_bad_url_and_a_future_post_are_refused(clients):
    bad = clients("intake").post("/cases", json=_body("online", {"url": "javascript:alert(1)"}, "ch-url"))
    assert bad.status_code == 422 and "channel_details.url" in bad.json()["error"]["fields"]
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    future = clients("intake").post("/cases", json=_body("online", {"posted_at": later}, "ch-future"))
    assert future.status_code == 422 and "channel_details.posted_at" in future.json()["error"]["fields"]


def test_a_key_the_channel_does_not_have_is_a_warning_not_a_refusal(clients):
    sent = clients("intake").post("/cases", json=_body("walk_in", {"service_station": "高照站", "stall": "x"}, "ch-w"))
    assert sent.status_code == 201, sent.text
    assert any("channel_details.stall" in w for w in sent.json()["warnings"])
    assert sent.json()["channel_details"] == {"service_station": "高照站"}


def test_the_posters_name_is_masked_for_the_court(clients):
    no = clients("intake").post("/cases", json=_body("online", DETAILS["online"], "ch-mask")).json()["case_no"]
    assert clients("supervisor").get(f"/cases/{no}").json()["channel_details"]["poster"] == "秀洲老王"
    # The designer sees every case, with personal data masked.
    shown = clients("designer").get(f"/cases/{no}")
    assert shown.status_code == 200
    assert shown.json()["channel_details"]["poster"] == "秀***"
    assert shown.json()["channel_details"]["platform"] == "嘉兴在线论坛"


def test_the_case_page_shows_the_channels_details_by_name(server, clients):
    from tests.web import sign_in

    no = clients("intake").post("/cases", json=_body("110", DETAILS["110"], "ch-page")).json()["case_no"]
    page = sign_in(server, "supervisor").get(f"{server}/cases/{no}", timeout=10).text
    assert "警情编号" in page and "JX110-20261201-0042" in page and "高照派出所" in page
    assert "2026-12-01 09:58" in page and "incident_no</dt>" not in page


def test_leaf_categories_are_taken_at_intake_and_by_the_dispatcher(clients):
    from tests.flows import act, open_item

    body = {**_body("12345", None, "cat-leaf"), "category": "wage_arrears"}
    case = clients("intake").post("/cases", json=body).json()
    assert (case["category"], case["category_name"], case["category_group"]) == ("wage_arrears", "拖欠工资",
                                                                                 "labour_dispute")
    assert case["warnings"] == []
    act(clients, "dispatcher", case["case_no"], {"is_police_matter": False, "category": "freight_fee",
                                                 "township": "xiuzhou-gaozhao"})
    routed = clients("supervisor").get(f"/cases/{case['case_no']}").json()
    assert (routed["category"], routed["category_group"]) == ("freight_fee", "economic_dispute")
    assert open_item(clients, "gaozhao", case["case_no"])["element_id"] == "Task_handle"
    group = clients("intake").post("/cases", json={**_body("12345", None, "cat-group"), "category": "劳资纠纷"})
    assert group.json()["category"] == "labour_dispute", "the wave-1 group codes and names are still accepted"
