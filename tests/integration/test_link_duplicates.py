"""Linking a duplicate to its primary case (issue 12): the duplicate's steps end, the primary carries the matter;
bad links are refused with the field and change nothing."""
from __future__ import annotations

from tests.flows import act, case, new_case


def _pair(clients):
    body = {"reporter": {"name": "沈阿姨", "phone": "13700009999"}, "description": "楼上天天半夜拖椅子，吵得睡不着"}
    first = new_case(clients, **body)["case_no"]
    second = new_case(clients, **body)["case_no"]
    assert first in case(clients, second)["possible_duplicates"]
    return first, second


def test_a_duplicate_is_linked_and_its_steps_end(clients, sql):
    primary, duplicate = _pair(clients)
    resp = clients("dispatcher").post(f"/cases/{duplicate}/link", json={"primary": primary, "note": "同一来电人"})
    assert resp.status_code == 200, resp.text
    linked = resp.json()
    assert linked["duplicate_of"] == primary and linked["status"] == "closed" and linked["open_tasks"] == []
    assert linked["closed_at"] is not None
    assert case(clients, primary)["linked_duplicates"] == [duplicate]
    assert case(clients, primary)["open_tasks"], "the primary goes on"
    rows = sql("SELECT w.state FROM work_items w JOIN cases c ON c.id = w.case_id WHERE c.case_no = :no", no=duplicate)
    assert {s for (s,) in rows} == {"cancelled"}
    kinds = [k for (k,) in sql("SELECT e.kind FROM case_events e JOIN cases c ON c.id = e.case_id "
                                "WHERE c.case_no = :no ORDER BY e.id", no=duplicate)]
    assert kinds == ["case.opened", "case.linked"]
    again = clients("dispatcher").post(f"/cases/{duplicate}/link", json={"primary": primary})
    assert again.status_code == 409


def test_bad_links_are_refused_and_change_nothing(clients, sql):
    primary, duplicate = _pair(clients)
    before = sql("SELECT count(*) FROM case_events")[0][0]
    for body, status in [({"primary": duplicate}, 422), ({"primary": "MS20990101000001"}, 422), ({}, 422),
                         ({"primary": ""}, 422), ({"primary": ["x"]}, 422)]:
        resp = clients("dispatcher").post(f"/cases/{duplicate}/link", json=body)
        assert resp.status_code == status, (body, resp.text)
        assert "primary" in resp.json()["error"]["fields"]
    assert clients("gaozhao").post(f"/cases/{duplicate}/link", json={"primary": primary}).status_code == 403
    assert clients("intake").post(f"/cases/{duplicate}/link", json={"primary": primary}).status_code == 403
    assert clients("dispatcher").post("/cases/MS20990101000002/link", json={"primary": primary}).status_code == 404
    assert sql("SELECT count(*) FROM case_events")[0][0] == before
    # A chain is refused: link to the primary itself.
    clients("dispatcher").post(f"/cases/{duplicate}/link", json={"primary": primary})
    third = new_case(clients, description="楼上天天半夜拖椅子")["case_no"]
    chained = clients("dispatcher").post(f"/cases/{third}/link", json={"primary": duplicate})
    assert chained.status_code == 422 and primary in chained.text


def test_a_case_carrying_duplicates_is_not_linked_away(clients):
    primary, duplicate = _pair(clients)
    assert clients("dispatcher").post(f"/cases/{duplicate}/link", json={"primary": primary}).status_code == 200
    third = new_case(clients, description="楼上天天半夜拖椅子，吵得睡不着")["case_no"]
    away = clients("supervisor").post(f"/cases/{primary}/link", json={"primary": third})
    assert away.status_code == 409 and away.json()["error"]["code"] == "carries_duplicates"
    assert case(clients, primary)["duplicate_of"] is None and case(clients, primary)["open_tasks"]


def test_an_ended_case_cannot_carry_a_duplicate(clients):
    primary, duplicate = _pair(clients)
    act(clients, "dispatcher", primary, {"is_police_matter": True})
    resp = clients("dispatcher").post(f"/cases/{duplicate}/link", json={"primary": primary})
    assert resp.status_code == 422 and "primary" in resp.json()["error"]["fields"]
    assert case(clients, duplicate)["duplicate_of"] is None
