"""Townships from text: full names, short forms, county + short form, communities and villages of the 2023
division codes, landmarks; ambiguity shown, not guessed."""
from __future__ import annotations

import pytest

from app.routing.suggestions.places import finder
from app.routing.suggestions.rules import rulebook


@pytest.mark.parametrize("text, township, named", [
    ("王江泾那边有人欠运费不给", "xiuzhou-wangjiangjing", "town"),
    ("高照街道有个工地拖欠工资", "xiuzhou-gaozhao", "town"),
    ("海宁长安镇上一家饭店", "haining-changan", "town"),
    ("我在市泾村三组", "xiuzhou-wangjiangjing", "village"),
    ("乌镇西栅景区里钱包丢了", "tongxiang-wuzhen", "landmark"),
    ("皮革城二楼一家店", "haining-haizhou", "landmark"),
    ("西塘桥这边路灯坏了", "haiyan-xitangqiao", "town"),  # the longer name wins over 西塘
    ("西塘古镇里游船乱收费", "jiashan-xitang", "landmark"),
])
def test_a_named_place_gives_its_township(text, township, named):
    found = finder().find(text)
    assert found.township is not None and found.township.code == township, (found.evidence, found.candidates)
    assert found.named == named
    assert found.candidates == []


def test_a_name_of_several_townships_shows_them_all_and_picks_none():
    found = finder().find("我住在高桥社区，楼下天天吵")
    assert found.township is None
    assert {p.code for p in found.candidates} == {"xiuzhou-gaozhao", "tongxiang-longxiang"}


def test_another_name_in_the_report_settles_an_ambiguous_one():
    found = finder().find("秀洲区高照街道高桥社区")
    assert found.township is not None and found.township.code == "xiuzhou-gaozhao"


def test_two_townships_named_are_both_shown():
    found = finder().find("我家住王店，在洪合一个厂里上班被欠薪")
    assert found.township is None and {p.code for p in found.candidates} == {"xiuzhou-wangdian", "xiuzhou-honghe"}


def test_everyday_words_are_not_townships_and_the_address_comes_first():
    assert finder().find("建设银行门口有人摆摊").township is None
    found = finder().find("王店那边的老乡说的", "桐乡市濮院镇永越村")
    assert found.township is not None and found.township.code == "tongxiang-puyuan"


def test_police_signals_ignore_a_negation_and_a_found_child():
    book = rulebook()
    assert [h.word for h in book.hits("两车刮了一下，没有人受伤了") if h.category is None] == []
    assert [h for h in book.hits("我老婆头上流血了") if h.category is None]
    assert [h for h in book.hits("小孩在市场里走散了，快帮忙找") if h.category is None]
    assert [h for h in book.hits("小孩走散了一会儿，已经找到了") if h.category is None] == []


def test_a_landmark_in_the_words_stays_when_the_address_gives_its_township():
    found = finder().find("在濮院时尚古镇市场买衣服，商家不退货", "桐乡市濮院镇")
    assert found.township is not None and found.township.code == "tongxiang-puyuan"
    assert found.landmark is not None and found.landmark.code == "puyuan-market"
    elsewhere = finder().find("在濮院时尚古镇市场买衣服，商家不退货", "秀洲区高照街道")
    assert elsewhere.township is not None and elsewhere.township.code == "xiuzhou-gaozhao"
    assert elsewhere.landmark is None


def test_a_line_break_does_not_hide_a_threat():
    book = rulebook()
    for text in ("他说要杀\n你全家", "他讲不交就\n砸你的店", "你好\n我在乌镇\n孩子走丢了，找不到"):
        assert [h for h in book.hits(text) if h.category is None], text


def test_the_address_mask_keeps_only_the_county():
    from app.cases.masking import Mask

    mask = Mask(personal=False, own_teams=frozenset())
    assert mask.address("嘉兴市秀洲区高照街道环城北路 1288 号") == "嘉兴市秀洲区********"
    assert mask.address("濮院镇新联村5组23号") == "********"
    assert mask.address("桐乡市") == "桐乡市"
