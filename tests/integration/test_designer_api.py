"""Deploying diagrams through the API: every third-party test file either deploys or is refused with a
problem that names the file or the element; hostile XML is refused; new versions do not disturb cases."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from app.engine import clock
from app.extensions import db
from app.versions.models import ProcessVersion
from tests.flows import new_case, open_item

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
# Copies of ../shared/testdata (with their licences), so that a clone tests on its own.
TESTDATA = Path(__file__).resolve().parents[1] / "data" / "third-party"
THIRD_PARTY = sorted(p for d in ("bpmn-interchange", "bpmn-invalid") for p in (TESTDATA / d).rglob("*")
                     if (p.is_file() and not p.name.startswith(("LICENSE", "COPYING")) and p.suffix != ".txt")
                     or p.name == "no-xml.txt")
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _restore_versions():
    """Every test here deploys; the shipped diagrams are current again afterwards."""


def upload(clients, files: dict[str, bytes], user: str = "designer", **params):
    multipart = [("files", (name, content, "application/octet-stream")) for name, content in files.items()]
    return clients(user).post("/processes", files=multipart, data=params)


@pytest.mark.parametrize("path", THIRD_PARTY, ids=lambda p: p.name)
def test_third_party_files_deploy_or_name_their_problems(clients, path):
    resp = upload(clients, {path.name: path.read_bytes()})
    assert resp.status_code in (201, 422), resp.text
    body = resp.json()
    if resp.status_code == 422:
        problems = body["problems"]
        assert problems, body
        assert all(p["message"] for p in problems)
        assert any(p["file"] == path.name or p["element_id"] for p in problems), problems
    else:
        assert body["created"] is True and body["process_id"]


def test_every_testdata_file_is_covered():
    assert len(THIRD_PARTY) >= 45


def test_problems_name_element_line_and_fix(clients):
    fixture = TESTDATA / "bpmn-invalid/bpmnlint/single-blank-start-event__invalid.bpmn"
    resp = upload(clients, {"two-starts.bpmn": fixture.read_bytes()})
    problems = resp.json()["problems"]
    starts = [p for p in problems if "start event" in p["message"]]
    assert starts and starts[0]["element_id"] and starts[0]["line"] and starts[0]["file"] == "two-starts.bpmn"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="p" isExecutable="true" name="&lol4;"/></bpmn:definitions>"""


def test_billion_laughs_and_xxe_are_refused_without_leaking(clients, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-4711")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>'
           f'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
           f'<bpmn:process id="p" isExecutable="true" name="&xxe;"/></bpmn:definitions>').encode()
    for name, content in (("laughs.bpmn", BILLION_LAUGHS), ("xxe.bpmn", xxe)):
        resp = upload(clients, {name: content})
        assert resp.status_code == 422
        assert "DOCTYPE" in resp.json()["problems"][0]["message"]
        assert "TOP-SECRET" not in resp.text and "lollol" not in resp.text


@pytest.mark.parametrize(("script", "reason"), [
    ("import os\nos.system('id')", "imports are not allowed"),
    ("data = open('/etc/passwd').read()", "'open' is not available"),
    ("x = ().__class__.__bases__[0].__subclasses__()", "__class__"),
])
def test_hostile_scripts_are_refused_at_validation(clients, script, reason):
    appeal = (PROCESSES / "appeal.bpmn").read_text(encoding="utf-8")
    start = appeal.index("<bpmn:script>") + len("<bpmn:script>")
    end = appeal.index("</bpmn:script>")
    changed = appeal[:start] + script.replace("<", "&lt;") + appeal[end:]
    resp = upload(clients, {"appeal.bpmn": changed.encode()})
    assert resp.status_code == 422
    assert any(reason in p["message"] and p["element_id"] == "Task_accept" for p in resp.json()["problems"])


def test_bare_iso_durations_and_unknown_variables_are_explained(clients):
    appeal = (PROCESSES / "appeal.bpmn").read_text(encoding="utf-8")
    changed = appeal.replace(">sla_route</bpmn:timeDuration>", ">PT5M</bpmn:timeDuration>").replace(
        ">sla_on_site</bpmn:timeDuration>", ">sla_nowhere</bpmn:timeDuration>")
    problems = upload(clients, {"appeal.bpmn": changed.encode()}).json()["problems"]
    by_element = {p["element_id"]: p["message"] for p in problems}
    assert 'with quotes: "PT5M"' in by_element["Timer_route_escalate"]
    assert "sla_nowhere" in by_element["Timer_handle_remind"]


def test_a_new_version_applies_to_new_cases_only(clients):
    clock.set(T0)
    old_case = new_case(clients)["case_no"]
    appeal = (PROCESSES / "appeal.bpmn").read_text(encoding="utf-8")
    changed = appeal.replace('sla_route = "PT3M"', 'sla_route = "PT10M"')
    assert changed != appeal
    dry = upload(clients, {"appeal.bpmn": changed.encode()}, dry_run="1")
    assert dry.status_code == 200 and dry.json()["valid"] is True
    assert clients("designer").get("/processes").json()["total"] == 1
    resp = upload(clients, {"appeal.bpmn": changed.encode()}, note="分流时限延长到 10 分钟")
    assert resp.status_code == 201, resp.text
    version = resp.json()
    assert version["current"] and version["note"] == "分流时限延长到 10 分钟" and version["deployed_by"] == "designer"
    assert "forms/route.schema.json" in version["files"], "files not uploaded carry over from the current version"
    new = new_case(clients)["case_no"]
    due = {no: datetime.fromisoformat(open_item(clients, "dispatcher", no)["due_at"]) for no in (old_case, new)}
    assert due[old_case] == T0 + timedelta(minutes=3)
    assert due[new] == T0 + timedelta(minutes=10)
    versions = clients("designer").get("/processes").json()["items"]
    assert [v["current"] for v in versions] == [True, False]
    diff = clients("designer").get(f"/processes/{versions[0]['key']}/diff/{versions[1]['key']}").json()
    appeal_diff = next(f for f in diff["files"] if f["file"] == "appeal.bpmn")
    assert [c["element_id"] for c in appeal_diff["changed"]] == ["Task_accept"]
    assert appeal_diff["added"] == [] and appeal_diff["removed"] == []
    download = clients("designer").get(f"/processes/{versions[0]['key']}/files/appeal.bpmn")
    assert download.status_code == 200 and 'sla_route = "PT10M"' in download.text
    again = upload(clients, {"appeal.bpmn": appeal.encode()})
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["current"] is True


def test_a_form_only_upload_builds_on_the_current_version(clients):
    schema = (PROCESSES / "forms/route.schema.json").read_text(encoding="utf-8").replace("识别分流", "识别与分流")
    resp = upload(clients, {"route.schema.json": schema.encode()})
    assert resp.status_code == 201, resp.text
    assert resp.json()["base_version"] and "forms/route.schema.json" in resp.json()["files"]
    assert "route.schema.json" not in resp.json()["files"]


def test_only_designers_deploy(clients):
    content = (PROCESSES / "appeal.bpmn").read_bytes()
    assert upload(clients, {"appeal.bpmn": content}, user="gaozhao").status_code == 403
    assert upload(clients, {"appeal.bpmn": content}, user="supervisor").status_code == 403
    assert clients("designer").post("/processes", data={"note": "x"}).status_code == 422


def test_running_cases_move_where_the_diff_says_it_is_safe(clients, sql):
    clock.set(T0)
    waiting = new_case(clients)["case_no"]
    from tests.flows import DISPATCH_GAOZHAO, act

    handling = new_case(clients)["case_no"]
    act(clients, "dispatcher", handling, DISPATCH_GAOZHAO)
    appeal = (PROCESSES / "appeal.bpmn").read_text(encoding="utf-8")
    renamed = appeal.replace('name="现场处置"', 'name="现场核实处置"')
    version = upload(clients, {"appeal.bpmn": renamed.encode()}).json()
    preview = clients("designer").get(f"/processes/{version['key']}/migration").json()
    assert {c["case_no"]: c["movable"] for c in preview["cases"]} == {waiting: True, handling: True}
    assert "Task_handle" in next(c for c in preview["cases"] if c["case_no"] == handling)["changed_steps"]
    due_before = open_item(clients, "gaozhao", handling)["due_at"]
    moved = clients("designer").post(f"/processes/{version['key']}/migration", json={"case_nos": [handling]}).json()
    assert moved["moved"] == [handling] and moved["skipped"] == []
    step = open_item(clients, "gaozhao", handling)
    assert step["name"] == "现场核实处置" and step["due_at"] == due_before, "moving keeps the running limit"
    assert clients("supervisor").get(f"/cases/{handling}").json()["process_version"] == version["key"]
    assert clients("supervisor").get(f"/cases/{waiting}").json()["process_version"] != version["key"]
    events = clients("supervisor").get(f"/cases/{handling}/events").json()["items"]
    assert events[-1]["kind"] == "case.migrated" and events[-1]["actor"] == "designer"
    from tests.flows import act as complete

    complete(clients, "gaozhao", handling, {"result": "resolved"})
    assert clients("supervisor").get(f"/cases/{handling}").json()["status"] == "callback"


def test_a_moved_case_takes_the_new_limits_for_the_steps_it_has_not_reached(clients):
    from tests.flows import DISPATCH_GAOZHAO, act

    clock.set(T0)
    handling = new_case(clients)["case_no"]
    act(clients, "dispatcher", handling, DISPATCH_GAOZHAO)
    due_before = open_item(clients, "gaozhao", handling)["due_at"]
    appeal = (PROCESSES / "appeal.bpmn").read_text(encoding="utf-8")
    longer = appeal.replace('sla_callback = "P1D"', 'sla_callback = "P2D"')
    assert longer != appeal
    version = upload(clients, {"appeal.bpmn": longer.encode()}).json()
    moved = clients("designer").post(f"/processes/{version['key']}/migration", json={"case_nos": [handling]}).json()
    assert moved["moved"] == [handling]
    assert open_item(clients, "gaozhao", handling)["due_at"] == due_before, "the waiting step keeps its limit"
    events = clients("supervisor").get(f"/cases/{handling}/events").json()["items"]
    assert events[-1]["data"]["new_limits"] == ["sla_callback"]
    act(clients, "gaozhao", handling, {"result": "resolved"})
    callback = open_item(clients, "callback", handling)
    assert datetime.fromisoformat(callback["due_at"]) == T0 + timedelta(days=2), "the new version's callback limit"


def test_cases_whose_steps_are_gone_cannot_move(clients):
    clock.set(T0)
    no = new_case(clients)["case_no"]
    root = etree.parse(str(PROCESSES / "appeal.bpmn")).getroot()
    for element_id in ("Timer_route_remind", "EndEvent_reminded_route_remind", "Flow_route_remind_done"):
        for el in root.xpath("//*[@id=$i or @bpmnElement=$i]", i=element_id):
            el.getparent().remove(el)
    for ref in root.xpath("//bpmn:flowNodeRef[text()='Timer_route_remind' or text()='EndEvent_reminded_route_remind']",
                          namespaces={"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}):
        ref.getparent().remove(ref)
    without_reminder = etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
    version = upload(clients, {"appeal.bpmn": without_reminder.encode()})
    assert version.status_code == 201, version.text
    key = version.json()["key"]
    preview = clients("designer").get(f"/processes/{key}/migration").json()
    blocked = next(c for c in preview["cases"] if c["case_no"] == no)
    assert blocked["movable"] is False and any("Timer_route_remind" in r for r in blocked["reasons"])
    result = clients("designer").post(f"/processes/{key}/migration", json={}).json()
    assert result["moved"] == [] and result["skipped"][0]["case_no"] == no
    assert clients("supervisor").get(f"/cases/{no}").json()["process_version"] != key


def test_a_hostile_script_that_got_in_another_way_is_refused_at_run_time(app, clients, sql):
    """A version written straight into the database skips validation; the sandbox still refuses it."""
    from app.designer.service import shipped_files
    from app.engine import bundle_key

    files = shipped_files(str(PROCESSES))
    appeal = files["appeal.bpmn"].decode()
    start = appeal.index("<bpmn:script>") + len("<bpmn:script>")
    files["appeal.bpmn"] = (appeal[:start] + "import os\nos.system('touch /tmp/pwned')\n" + appeal[start:]).encode()
    now = datetime.now(UTC) + timedelta(days=3650)
    with app.app_context():
        db.session.add(ProcessVersion(key=bundle_key(files), process_id="appeal", author="intruder", note=None,
                                      files={k: v.decode() for k, v in files.items()}, created_at=now,
                                      deployed_at=now, deployed_by="intruder"))
        db.session.commit()
    resp = clients("intake").post("/cases", json={"channel": "12345", "external_ref": "X-1", "description": "测试"})
    assert resp.status_code == 422, resp.text
    assert "import" in resp.text
    assert sql("SELECT count(*) FROM cases")[0][0] == 0
    assert not Path("/tmp/pwned").exists()


def test_ui_rules_that_are_not_json_schemas_are_refused_at_deploy(clients):
    ui = json.loads((PROCESSES / "forms" / "handle.uischema.json").read_text(encoding="utf-8"))
    ui["ui:rules"] = [{"if": {"properties": {"result": {"const": "wrong_team"}}}, "then": {"required": "reason"}}]
    resp = upload(clients, {"forms/handle.uischema.json": json.dumps(ui, ensure_ascii=False).encode()})
    assert resp.status_code == 422
    body = resp.json()
    problems = body.get("problems") or body["error"].get("problems") or []
    assert any("ui:rules" in p["message"] for p in problems), body


def test_a_step_that_requires_a_qualification_nobody_can_hold_is_refused(clients):
    mediation = (PROCESSES / "mediation.bpmn").read_text(encoding="utf-8")
    assert 'name="qualification" value="mediator"' in mediation, "the shipped mediation needs a people's mediator"
    changed = mediation.replace('name="qualification" value="mediator"', 'name="qualification" value="lawyer"')
    resp = upload(clients, {"mediation.bpmn": changed.encode()})
    assert resp.status_code == 422
    by_element = {p["element_id"]: p["message"] for p in resp.json()["problems"]}
    assert "lawyer" in by_element["Task_mediate"] and "mediator" in by_element["Task_mediate"]
