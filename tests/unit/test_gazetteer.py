from __future__ import annotations

import pytest

from app.routing.gazetteer import categories, gazetteer, match_category
from app.routing.teams import standard_teams


def test_jiaxing_has_seven_county_level_areas_and_72_townships():
    gaz = gazetteer()
    assert len(gaz.counties) == 7
    assert set(gaz.counties.values()) == {"南湖区", "秀洲区", "嘉善县", "平湖市", "海盐县", "海宁市", "桐乡市"}
    assert len(gaz.places) == 72
    assert len({p.code for p in gaz.places}) == 72
    for named_in_the_article in ("高照街道", "王江泾镇", "南湖街道", "西塘桥街道", "濮院镇"):
        assert gaz.match(named_in_the_article) is not None, named_in_the_article


@pytest.mark.parametrize(("text", "code"), [
    ("高照街道", "xiuzhou-gaozhao"), ("高照", "xiuzhou-gaozhao"), ("秀洲区高照街道", "xiuzhou-gaozhao"),
    ("嘉兴市秀洲区高照街道", "xiuzhou-gaozhao"), ("xiuzhou-gaozhao", "xiuzhou-gaozhao"),
    (" 濮院镇 ", "tongxiang-puyuan"),
    ("西塘镇", "jiashan-xitang"), ("西塘桥街道", "haiyan-xitangqiao"), ("火星镇", None), ("", None),
])
def test_township_matching(text, code):
    place = gazetteer().match(text)
    assert (place.code if place else None) == code


def test_categories_match_by_code_name_or_alias():
    assert match_category("劳资纠纷").code == "labour_dispute"
    assert match_category("欠薪").code == "wage_arrears", "an alias of a leaf is the leaf (more precise)"
    assert match_category("LABOUR_DISPUTE").code == "labour_dispute"
    assert match_category("外星人") is None
    assert "other" in categories()


def test_the_category_tree_of_the_contract():
    cats = categories()
    tree = {
        "economic_dispute": {"freight_fee", "debt", "contract_dispute"},
        "labour_dispute": {"wage_arrears", "labour_relations"}, "neighbour_dispute": {"neighbour_dispute"},
        "family_dispute": {"family_dispute"}, "consumer_dispute": {"consumer_dispute"},
        "market_dispute": {"market_dispute"}, "tourism": {"tourist_help"},
        "property_management": {"property_management", "rental_dispute"},
        "public_safety": {"road_hazard", "public_facility"}, "environment": {"environment"},
        "land_use": {"land_use"}, "traffic_minor": {"traffic_minor"}, "other": {"other"},
        "police": {"theft", "assault", "fraud", "traffic_injury", "missing_person", "public_security"},
    }
    leaves = {c.code: c for c in cats.values() if c.leaf}
    assert {code: {leaf for leaf, c in leaves.items() if c.group == code} for code in tree} == tree
    assert set(leaves) == set().union(*tree.values())
    assert all(leaves[code].police for code in tree["police"]) and not leaves["wage_arrears"].police
    # The wave-1 group codes are still accepted, as groups.
    assert not cats["labour_dispute"].leaf and cats["labour_dispute"].group == "labour_dispute"
    assert match_category("拖欠运费").code == "freight_fee" and match_category("经济纠纷").code == "economic_dispute"


def test_every_township_has_a_team_and_every_county_a_court():
    teams = standard_teams()
    codes = {t.code for t in teams}
    assert all(f"ms-{p.code}" in codes for p in gazetteer().places)
    assert all(f"court-{c}" in codes for c in gazetteer().counties)
    assert len(codes) == len(teams)
