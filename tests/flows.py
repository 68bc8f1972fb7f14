"""Walking a case through its lifecycle over the HTTP API, as the people who do it."""
from __future__ import annotations

import itertools
from typing import Any

_refs = itertools.count(1)

DISPATCH_GAOZHAO = {"is_police_matter": False, "category": "labour_dispute", "township": "xiuzhou-gaozhao"}


def new_case(clients: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "channel": "110",
        "external_ref": f"JJ110-{next(_refs):06d}",
        "reporter": {"name": "谢师傅", "phone": "13800138000"},
        "description": "货车司机反映：物流平台拖欠运费 1000 多元，对方不接电话。",
        "township": "高照街道",
        "category": "经济纠纷",
        "address": "嘉兴市秀洲区高照街道",
        **overrides,
    }
    resp = clients("intake").post("/cases", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def open_item(clients: Any, user: str, case_no: str, element_id: str | None = None) -> dict[str, Any]:
    """The open work item of this case that ``user`` sees (the main step, not an escalation)."""
    resp = clients(user).get("/tasks", params={"case_no": case_no})
    assert resp.status_code == 200, resp.text
    items = [i for i in resp.json()["items"] if not i["element_id"].startswith("Task_escalate")
             and (element_id is None or i["element_id"] == element_id)]
    assert len(items) == 1, f"{user} sees {resp.json()['items']}"
    return items[0]


def act(clients: Any, user: str, case_no: str, data: dict[str, Any], element_id: str | None = None) -> dict[str, Any]:
    item = open_item(clients, user, case_no, element_id)
    resp = clients(user).post(f"/tasks/{item['id']}/complete", json={"data": data})
    assert resp.status_code == 200, resp.text
    return resp.json()


def case(clients: Any, case_no: str, user: str = "supervisor") -> dict[str, Any]:
    resp = clients(user).get(f"/cases/{case_no}")
    assert resp.status_code == 200, resp.text
    return resp.json()


def steps(case_body: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(t["element_id"], (t["team"] or {}).get("code")) for t in case_body["open_tasks"]]


def tick(app: Any, when: Any) -> str:
    """`flask timers tick --now WHEN`, as an operator would run it; returns what it printed."""
    result = app.test_cli_runner().invoke(args=["timers", "tick", "--now", when.isoformat()])
    assert result.exit_code == 0, result.output
    return str(result.output)
