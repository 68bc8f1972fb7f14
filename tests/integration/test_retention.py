"""`flask retention --older-than 3y`: a dry run by default that changes nothing; then ended cases past the age
lose their reporter, address, typed text and evidence (in the case row, the workflow state, the work items, the
timeline and the outbox), keep every figure of the reports, pass `check`, and each run is audited."""
from __future__ import annotations

import json
import zlib
from datetime import timedelta

from app.engine import clock
from tests.flows import DISPATCH_GAOZHAO, act, new_case

PERSONAL = ("谢师傅", "13800138000", "拖欠运费", "高照街道新联村", "当场协调", "平台当场结清")


def everything_stored(sql, no: str) -> str:
    """Every stored byte of the case, its workflow state decompressed, as one text to search."""
    case = sql("SELECT * FROM cases WHERE case_no = :no", no=no)[0]._mapping
    parts = [str({k: v for k, v in case.items() if k != "workflow_state"}),
             zlib.decompress(case["workflow_state"]).decode("utf-8")]
    for table in ("work_items", "case_events", "outbox"):
        parts += [str(tuple(r)) for r in sql(f"SELECT * FROM {table} WHERE case_id = :id", id=case["id"])]
    return json.dumps(parts, ensure_ascii=False)


def test_retention_dry_run_then_anonymise(app, clients, sql):
    old = new_case(clients, address="嘉兴市秀洲区高照街道新联村5组")["case_no"]
    act(clients, "dispatcher", old, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", old, {"result": "resolved", "measures": "当场协调，平台当场结清运费"})
    act(clients, "callback", old, {"satisfaction": "satisfied"})
    still_open = new_case(clients)["case_no"]
    stored = everything_stored(sql, old)
    assert all(text in stored for text in PERSONAL[:4]), "the test's own premise"
    month = sql("SELECT closed_at FROM cases WHERE case_no = :no", no=old)[0][0]
    day = str(month)[:10]
    report_before = clients("supervisor").get("/reports/monthly", params={"date": day}).json()

    clock.set(clock.now() + timedelta(days=3 * 366))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--older-than", "3y"])
    assert dry.exit_code == 0, dry.output
    assert old in dry.output and still_open not in dry.output and "dry run" in dry.output
    assert everything_stored(sql, old) == stored, "a dry run changes nothing"

    done = runner.invoke(args=["retention", "--older-than", "3y", "--apply"])
    assert done.exit_code == 0, done.output
    assert "anonymised 1 case(s)" in done.output
    after = everything_stored(sql, old)
    for text in PERSONAL:
        assert text not in after, text
    row = sql("SELECT reporter_name, reporter_phone, address, description, anonymised_at, status, category, "
              "township_code, satisfaction, closed_at FROM cases WHERE case_no = :no", no=old)[0]
    assert row[0] is None and row[1].startswith("anon-") and row[2] is None and row[3] == "（已匿名）"
    assert row[4] is not None and row[5:9] == ("closed", "labour_dispute", "xiuzhou-gaozhao", "satisfied")
    assert str(row[9])[:19] == str(month)[:19], "the day it was closed stays"
    assert "谢师傅" in everything_stored(sql, still_open), "an open case keeps its reporter"

    kinds = [r[0] for r in sql("SELECT e.kind FROM case_events e JOIN cases c ON c.id = e.case_id "
                               "WHERE c.case_no = :no ORDER BY e.id", no=old)]
    assert kinds[-1] == "case.anonymised" and kinds.count("case.anonymised") == 1
    trail = [r[0] for r in sql("SELECT kind FROM auth_events WHERE kind LIKE 'retention.%' ORDER BY id")]
    assert trail == ["retention.dry_run", "retention.run"]
    assert runner.invoke(args=["check"]).exit_code == 0
    again = runner.invoke(args=["retention", "--older-than", "3y", "--apply"])
    assert "anonymised 0 case(s)" in again.output

    clock.set(None)
    report_after = clients("supervisor").get("/reports/monthly", params={"date": day}).json()
    for key in ("opened", "closed_in_period", "completion_rate", "satisfaction_rate", "categories", "townships"):
        assert report_after.get(key) == report_before.get(key), key
    shown = clients("supervisor").get(f"/cases/{old}").json()
    assert shown["reporter"]["name"] is None and shown["reporter"]["phone"] is None
    assert shown["description"] == "（已匿名）"
    timeline = clients("supervisor").get(f"/cases/{old}/events").json()["items"]
    assert timeline[-1]["kind"] == "case.anonymised" and "当场协调" not in json.dumps(timeline, ensure_ascii=False)


def test_retention_refuses_a_bad_age(app):
    bad = app.test_cli_runner().invoke(args=["retention", "--older-than", "forever"])
    assert bad.exit_code != 0 and "3y" in bad.output
