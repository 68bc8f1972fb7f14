"""The case's milestones (issue 13's ground): written by the case's save as the steps are done, so the reports
count columns. The first response is the team's first sign-for and stays the first."""
from __future__ import annotations

from datetime import datetime

from tests.flows import DISPATCH_GAOZHAO, act, case, new_case, open_item


def test_a_lifecycle_marks_each_milestone_once(clients):
    no = new_case(clients)["case_no"]
    assert case(clients, no)["milestones"]["first_response_at"] is None
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    assert case(clients, no)["milestones"]["first_response_at"] is None, "the dispatcher is not the team"
    handle = open_item(clients, "gaozhao", no)
    claimed = clients("gaozhao").post(f"/tasks/{handle['id']}/claim")
    assert claimed.status_code == 200, claimed.text
    first = case(clients, no)["milestones"]["first_response_at"]
    assert first is not None
    act(clients, "gaozhao", no, {"result": "needs_mediation"})
    act(clients, "gaozhao", no, {"outcome": "agreement", "apply_judicial_confirmation": True,
                                 "agreement_summary": "平台当日付清运费 1080 元", "money_owed": True, "amount": 1080,
                                 "parties": [{"name": "谢建国", "role": "applicant"},
                                             {"name": "某物流平台", "role": "respondent"}]})
    act(clients, "court", no, {"decision": "confirmed", "ruling_no": "（2026）浙0411民特123号"})
    act(clients, "callback", no, {"satisfaction": "satisfied"})
    done = case(clients, no)
    marks = done["milestones"]
    assert done["status"] == "closed" and done["closed_at"] is not None
    assert marks["first_response_at"] == first, "later steps do not move the first response"
    assert marks["mediation_outcome"] == "agreement" and marks["judicial_decision"] == "confirmed"
    assert marks["satisfaction"] == "satisfied"
    times = [datetime.fromisoformat(marks[k]) for k in ("first_response_at", "handled_at", "mediation_started_at",
                                                        "mediated_at", "judicial_applied_at", "judged_at",
                                                        "callback_at")]
    assert times == sorted(times)
    assert marks["reopened_at"] is None


def test_an_unsatisfied_callback_reopens_and_the_second_answer_is_the_cases(clients):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "当场协调"})
    act(clients, "callback", no, {"satisfaction": "unsatisfied", "comment": "钱还没到账"})
    reopened = case(clients, no)
    assert reopened["status"] == "in_progress"
    assert reopened["milestones"]["reopened_at"] is not None
    assert reopened["milestones"]["satisfaction"] == "unsatisfied"
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "再次上门，已到账"})
    act(clients, "callback", no, {"satisfaction": "basically_satisfied"})
    done = case(clients, no)
    assert done["status"] == "closed"
    assert done["milestones"]["satisfaction"] == "basically_satisfied"
    assert done["milestones"]["reopened_at"] == reopened["milestones"]["reopened_at"]
    assert done["milestones"]["mediation_started_at"] is None


def test_a_team_completing_without_claiming_is_its_first_response(clients, sql):
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "当场协调，平台付清"})
    marks = case(clients, no)["milestones"]
    assert marks["first_response_at"] is not None and marks["first_response_at"] == marks["handled_at"]
    assert marks["mediated_at"] is None and marks["mediation_outcome"] is None
    assert sql("SELECT count(*) FROM cases WHERE case_no = :no AND first_response_at IS NOT NULL", no=no)[0][0] == 1
