"""Possible duplicates, tested both ways: flagged when the same matter comes again, not when it does not."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.cases.duplicates import similarity
from app.engine import clock
from tests.flows import new_case

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
FREIGHT = "货车司机反映：物流平台拖欠运费 1080 元，对方不接电话。"


def test_the_same_phone_within_seven_days_is_flagged_and_not_after(clients):
    clock.set(T0)
    first = new_case(clients, reporter={"name": "谢师傅", "phone": "13700001111"}, description=FREIGHT)["case_no"]
    clock.set(T0 + timedelta(days=6))
    again = new_case(clients, reporter={"name": "谢师傅", "phone": "13700001111"}, description="还是运费的事")
    assert again["possible_duplicates"] == [first]
    clock.set(T0 + timedelta(days=8))
    later = new_case(clients, reporter={"name": "谢师傅", "phone": "13700001111"}, description="另一件事：楼道堆物")
    assert first not in later["possible_duplicates"], "older than 7 days"


def test_the_same_township_and_a_similar_text_within_a_day_is_flagged(clients):
    clock.set(T0)
    first = new_case(clients, reporter={"name": "甲", "phone": "13700002222"}, description=FREIGHT,
                     township="高照街道")["case_no"]
    clock.set(T0 + timedelta(hours=3))
    similar = new_case(clients, reporter={"name": "乙", "phone": "13700003333"}, township="高照街道",
                       description="物流平台拖欠货车司机运费1080元，打电话不接")
    assert similar["possible_duplicates"] == [first]
    different = new_case(clients, reporter={"name": "丙", "phone": "13700004444"}, township="高照街道",
                         description="小区门口井盖缺失，晚上有人差点摔倒")
    assert different["possible_duplicates"] == [], "same place, different matter"
    elsewhere = new_case(clients, reporter={"name": "丁", "phone": "13700005555"}, township="王江泾镇",
                         description=FREIGHT)
    assert elsewhere["possible_duplicates"] == [], "similar text, another township"
    clock.set(T0 + timedelta(hours=30))
    next_day = new_case(clients, reporter={"name": "戊", "phone": "13700006666"}, township="高照街道",
                        description=FREIGHT)
    assert first not in next_day["possible_duplicates"], "older than 24 hours"


def test_similarity_of_chinese_texts():
    assert similarity(FREIGHT, "物流平台拖欠货车司机运费1080元，打电话不接") >= 0.5
    assert similarity(FREIGHT, "小区门口井盖缺失，晚上有人差点摔倒") < 0.2
    assert similarity("", FREIGHT) == 0.0


def test_the_case_page_links_the_possible_duplicates(server, clients):
    from tests.web import sign_in

    first = new_case(clients, reporter={"name": "谢师傅", "phone": "13700007777"})["case_no"]
    again = new_case(clients, reporter={"name": "谢师傅", "phone": "13700007777"})["case_no"]
    page = sign_in(server, "dispatcher").get(f"{server}/cases/{again}", timeout=10).text
    assert "可能与以下案件为同一事项" in page and f'href="/cases/{first}"' in page


def test_the_township_search_reads_the_last_day_only_not_the_township_s_history(app):
    """A township gathers some 1,400 cases a year: intake must find the last day's by its index, not read them all."""
    from sqlalchemy import event

    from app.cases import duplicates
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's planner chooses by its statistics; the index is the same migration's")
        seen: list[tuple[str, object]] = []

        def capture(_conn, _cursor, statement, parameters, _context, _many):
            seen.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            duplicates.find(db.session, T0, None, "330411001", FREIGHT)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
            db.session.rollback()
        statement, parameters = next((s, p) for s, p in seen if "FROM cases" in s)
        with db.engine.connect() as conn:
            plan = " ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
        assert "ix_cases_township_opened (township_code=? AND opened_at>?)" in plan, plan
