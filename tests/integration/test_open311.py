"""Open311 GeoReport v2 at /open311/v2/, spoken to by a real client from PyPI (georeport 0.3.1, which reads
services, definitions and requests in JSON and XML) and, for what that client cannot do (discovery, posting,
tokens), by plain HTTP as the spec writes it. A posted request is a case like any other; nothing personal is
read back; refusals are the spec's error lists and store nothing."""
from __future__ import annotations

import pytest
import requests
import xmltodict
from georeport import GeoReport

from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item

POST = {"service_code": "freight_fee", "description": "货车司机：物流平台拖欠运费1200元，多次催要无果。",
        "address_string": "嘉兴市秀洲区高照街道八字路口", "lat": "30.80", "long": "120.72",
        "first_name": "师傅", "last_name": "谢", "phone": "13800138001", "attribute[township]": "xiuzhou-gaozhao"}
PERSONAL = ("谢师傅", "13800138001", "物流平台拖欠运费", "八字路口", "30.8", "120.72")


@pytest.fixture
def door(server):
    return f"{server}/open311/v2"


def _post(door: str, fmt: str, **fields: str) -> requests.Response:
    return requests.post(f"{door}/requests.{fmt}", data=fields, timeout=30)


def _count(clients) -> int:
    return clients("supervisor").get("/cases", params={"channel": "online"}).json()["total"]


def test_discovery_names_the_endpoint_and_its_formats(door):
    as_json = requests.get(f"{door}/discovery.json", timeout=30).json()
    endpoint = as_json["endpoints"][0]
    assert endpoint["url"] == door and endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    as_xml = xmltodict.parse(requests.get(f"{door}/discovery.xml", timeout=30).content)["discovery"]
    assert as_xml["endpoints"]["endpoint"]["url"] == door
    assert as_xml["endpoints"]["endpoint"]["formats"]["format"] == ["application/json", "text/xml"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_lists_services_posts_and_reads_back(door, clients, tokens, fmt):
    client = GeoReport(door, jurisdiction="jiaxing", output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert len(codes) == 24 and {"freight_fee", "wage_arrears", "road_hazard", "theft"} <= set(codes)
    freight = next(s for s in services if s["service_code"] == "freight_fee")
    assert freight["service_name"] == "运费纠纷" and freight["group"] == "经济纠纷"
    definition = client.get_service_definition("freight_fee")
    township = next(a for a in (definition["attributes"] if fmt == "json" else
                                definition["attributes"]["attribute"]) if a["code"] == "township")
    values = township["values"] if fmt == "json" else township["values"]["value"]
    assert {"key": "xiuzhou-gaozhao", "name": "秀洲区高照街道"} in values

    before = _count(clients)
    posted = _post(door, fmt, api_key=tokens["intake"], request_id=f"app-{fmt}-0001", **POST)
    assert posted.status_code == 201, posted.text
    answer = posted.json()[0] if fmt == "json" else xmltodict.parse(posted.content)["service_requests"]["request"]
    case_no = answer["service_request_id"]
    assert case_no.startswith("MS") and answer["token"] == f"app-{fmt}-0001" and "/track" in answer["service_notice"]
    again = _post(door, fmt, api_key=tokens["intake"], request_id=f"app-{fmt}-0001", **POST)
    assert again.status_code == 200 and case_no in again.text, "the same request id is the same case"
    assert _count(clients) == before + 1

    staff = clients("supervisor").get(f"/cases/{case_no}").json()
    assert (staff["channel"], staff["external_ref"], staff["category"]) == ("online", f"app-{fmt}-0001", "freight_fee")
    assert staff["description"] == POST["description"] and staff["township"]["code"] == "xiuzhou-gaozhao"

    read = client.get_service_request(case_no)
    assert (read["service_request_id"], read["status"], read["service_code"]) == (case_no, "open", "freight_fee")
    assert read["requested_datetime"].endswith("+08:00")
    listed = client.get_service_requests(service_code="freight_fee", status="open")
    listed = listed if isinstance(listed, list) else [listed]
    assert case_no in [r["service_request_id"] for r in listed]
    by_token = requests.get(f"{door}/tokens/app-{fmt}-0001.{fmt}", timeout=30)
    assert by_token.status_code == 200 and case_no in by_token.text
    for body in (requests.get(f"{door}/requests/{case_no}.{fmt}", timeout=30).text,
                 requests.get(f"{door}/requests.{fmt}", timeout=30).text):
        for text in PERSONAL:
            assert text not in body, text


def test_a_post_without_its_own_id_sent_twice_is_one_case(door, clients, tokens):
    first = _post(door, "json", api_key=tokens["intake"], **{**POST, "description": "路口有碎玻璃，请清理。"})
    second = _post(door, "json", api_key=tokens["intake"], **{**POST, "description": "路口有碎玻璃，请清理。"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == second.json()[0]["service_request_id"]


def test_the_request_follows_the_case_to_closed(door, clients, tokens):
    posted = _post(door, "json", api_key=tokens["intake"], request_id="app-close-1", **POST).json()[0]
    no = posted["service_request_id"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    read = requests.get(f"{door}/requests/{no}.json", timeout=30).json()[0]
    assert read["agency_responsible"] == "高照街道民声服务队" and read["status"] == "open"
    item = open_item(clients, "gaozhao", no)
    clients("gaozhao").post(f"/tasks/{item['id']}/claim")
    act(clients, "gaozhao", no, {"result": "resolved", "measures": "已联系平台，运费当日付清。"})
    act(clients, "callback", no, {"satisfaction": "satisfied"})
    closed = GeoReport(f"{door}").get_service_requests(status="closed")
    assert no in [r["service_request_id"] for r in closed]
    assert requests.get(f"{door}/requests/{no}.json", timeout=30).json()[0]["status_notes"].startswith("已办结")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_spec_errors_and_nothing_stored(door, clients, tokens, fmt):
    before = _count(clients)

    def error(resp: requests.Response) -> tuple[int, int, str]:
        if fmt == "json":
            body = resp.json()
            assert isinstance(body, list) and set(body[0]) == {"code", "description"}
            return resp.status_code, body[0]["code"], body[0]["description"]
        one = xmltodict.parse(resp.content)["errors"]["error"]
        return resp.status_code, int(one["code"]), one["description"]

    missing = {k: v for k, v in POST.items() if k != "service_code"}
    assert error(_post(door, fmt, api_key=tokens["intake"], **missing))[:2] == (400, 400)
    assert error(_post(door, fmt, api_key=tokens["intake"], **{**POST, "service_code": "no_such_service"}))[:2] \
        == (404, 404)
    for key in ("not-a-token", "", tokens["court"], tokens["designer"]):
        assert error(_post(door, fmt, api_key=key, **POST))[:2] == (403, 403), key
    assert error(_post(door, fmt, **POST))[:2] == (403, 403)
    nowhere = {k: v for k, v in POST.items() if k not in ("address_string", "lat", "long")}
    assert "location" in error(_post(door, fmt, api_key=tokens["intake"], **nowhere))[2]
    assert error(requests.get(f"{door}/services/no_such_service.{fmt}", timeout=30))[:2] == (404, 404)
    assert error(requests.get(f"{door}/requests.{fmt}", params={"start_date": "2026-01-01T00:00:00+08:00",
                                                               "end_date": "2026-12-01T00:00:00+08:00"},
                              timeout=30))[:2] == (400, 400)
    assert error(requests.get(f"{door}/services.{fmt}", params={"jurisdiction_id": "boston"}, timeout=30))[0] == 404
    assert error(requests.get(f"{door}/no-such-thing.{fmt}", timeout=30))[0] == 404
    with pytest.raises(requests.HTTPError):
        GeoReport(door, output_format=fmt).get_service_definition("no_such_service")
    assert _count(clients) == before


def test_other_channels_cases_are_not_open311s_to_read(door, clients):
    no = new_case(clients)["case_no"]  # a 110 transfer
    assert requests.get(f"{door}/requests/{no}.json", timeout=30).status_code == 404
    assert no not in requests.get(f"{door}/requests.json", timeout=30).text
