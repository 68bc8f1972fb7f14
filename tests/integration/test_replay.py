"""`flask demo replay` drives a few hundred generated cases over two weeks through the service; every figure of
every daily, weekly and monthly report must equal what the replay expects, counted from its own log."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from app.demo.replay.log import ReplayLog
from app.demo.replay.truth import Truth
from app.engine import clock

END = "2030-06-15T00:00:00+08:00"


@pytest.fixture
def replayed(app, tmp_path):
    from app.demo.replay.run import replay

    with app.app_context():
        done = replay(app.config["PROCESSES_DIR"], cases=300, days=14, seed=11, end=datetime.fromisoformat(END),
                      truth_path=tmp_path / "truth.json", progress=False)
    assert done.log.failures == []
    return done


def test_every_report_of_the_replay_equals_its_expectations(app, replayed, clients):
    from app.reports import service
    from app.reports.periods import Scope, scope_of

    log, replayed = replayed.log, replayed.truth
    assert replayed["as_of"] == END and replayed["cases"] == 300
    assert replayed["failures"] == [] and replayed["escalation_mismatches"] == []
    assert len(replayed["daily"]) == 14 and len(replayed["weekly"]) == 3 and len(replayed["monthly"]) == 1
    clock.set(datetime.fromisoformat(END))
    compared = 0
    with app.app_context():
        for kind in ("daily", "weekly", "monthly"):
            for day, want in replayed[kind].items():
                got = service.build(kind, date.fromisoformat(day), Scope.city())
                assert set(want) <= set(got)
                for key, value in want.items():
                    assert got[key] == value, f"{kind} {day} {key}"
                    compared += 1
    assert compared > 400
    # The same figures through the JSON API, as an integrating system reads them.
    monthly = replayed["monthly"]["2030-06-01"]
    over_http = clients("supervisor").get("/reports/monthly", params={"date": "2030-06-01"}).json()
    assert {k: over_http[k] for k in monthly} == monthly

    # What a year's figures are made of happened: every kind of outcome, escalation and action is counted.
    whole = monthly
    assert whole["opened"] == 300 and 0 < whole["returned_to_police"] < 40
    assert whole["escalations"]["opened"] > 0 and whole["escalations"]["remind"] > 0
    assert whole["mediation"]["started"] > 0 and whole["mediation"]["agreement"] > 0
    assert whole["judicial"]["applied"] > 0 and whole["judicial"]["confirmed"] > 0
    assert whole["reopened"] > 0 and whole["repeat_complaints"] > 0
    assert 0.9 < whole["completion_rate"] < 1 and 0.9 < whole["satisfaction_rate"] <= 1
    assert whole["median_response_minutes"] < whole["p90_response_minutes"]
    days = [d["opened"] for d in whole["by_day"]]
    mondays = [n for d, n in zip(whole["by_day"], days, strict=True) if date.fromisoformat(d["date"]).weekday() == 0]
    assert sum(mondays) / len(mondays) > sum(days) / len(days), "Mondays bring more matters"
    assert any(t["opened"] for t in whole["by_township"] if t["code"] and t["code"].startswith("tongxiang"))

    # A township's reports: the scope filter, against the log counted for that township alone.
    busiest = max((t for t in whole["by_township"] if t["code"]), key=lambda t: t["opened"])
    truth = Truth(log)
    with app.app_context():
        scope = scope_of(busiest["code"], None)
        assert scope is not None and scope.code == busiest["code"]
        for kind, days in (("weekly", replayed["weekly"]), ("daily", list(replayed["daily"])[-3:])):
            for day in days:
                want = truth.report(kind, date.fromisoformat(day), {busiest["code"]})
                got = service.build(kind, date.fromisoformat(day), scope)
                assert {k: got[k] for k in want if k != "as_of"} == {k: v for k, v in want.items() if k != "as_of"}
                assert want["opened"] <= busiest["opened"]


def test_the_command_writes_the_expectations_and_refuses_a_database_with_cases(app, tmp_path):
    truth_file = tmp_path / "truth.json"
    result = app.test_cli_runner().invoke(args=["demo", "replay", "--cases", "20", "--days", "2", "--seed", "3",
                                                "--end", END, "--truth", str(truth_file)])
    assert result.exit_code == 0, result.output
    assert "replayed 20 cases over 2 days" in result.output and "failed actions: 0" in result.output
    written = json.loads(truth_file.read_text(encoding="utf-8"))
    assert written["cases"] == 20 and sum(d["opened"] for d in written["daily"].values()) == 20


    again = app.test_cli_runner().invoke(args=["demo", "replay", "--cases", "5", "--days", "1", "--end", END])
    assert again.exit_code != 0 and "holds cases already" in again.output


def test_the_truth_predicts_escalations_from_the_sweeps(app):
    """A step is escalated at the first sweep after its limit when it is still waiting then, not otherwise."""
    from app.demo.replay.log import Step
    from app.demo.replay.truth import predicted_escalation

    t = datetime.fromisoformat("2030-01-01T08:00:00+08:00")
    from datetime import timedelta

    step = Step(1, "handle", "现场处置", "ms-x", t, t + timedelta(hours=24), t + timedelta(hours=24))
    ticks = [t + timedelta(hours=h) for h in (1, 23, 25, 30)]
    assert predicted_escalation(step, ticks, t + timedelta(days=3)) == ticks[2]
    step.done_at = t + timedelta(hours=24, minutes=30)
    assert predicted_escalation(step, ticks, t + timedelta(days=3)) is None, "done before the next sweep"
    step.done_at = ticks[2]
    assert predicted_escalation(step, ticks, t + timedelta(days=3)) == ticks[2], "the sweep runs first"
    assert Truth(ReplayLog(start=t, end=t)).report("daily", t.date())["opened"] == 0
