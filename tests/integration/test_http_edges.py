"""Errors at the edges of HTTP come in the contract's shape, never as a 500 page."""
from __future__ import annotations


def test_oversized_body_is_refused_in_the_contract_shape(clients, sql):
    resp = clients("intake").post("/cases", data=b"{" + b" " * (5 * 1024 * 1024) + b"}",
                                  headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "payload_too_large"
    assert sql("SELECT count(*) FROM cases")[0][0] == 0


def test_unknown_paths_and_methods(clients):
    missing = clients("intake").get("/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = clients("intake").request("DELETE", "/cases")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_openapi_document_lists_the_contract_paths(clients):
    doc = clients(None).get("/openapi.json").json()
    for path in ("/api/v1/cases", "/api/v1/cases/{case_no}", "/api/v1/cases/{case_no}/events",
                 "/api/v1/tasks", "/api/v1/tasks/{item_id}/complete", "/api/v1/teams", "/api/v1/processes"):
        assert path in doc["paths"], path


def test_process_versions_are_listed_for_designers(clients):
    from tests.flows import new_case

    new_case(clients)
    versions = clients("designer").get("/processes").json()["items"]
    assert len(versions) == 1 and versions[0]["process_id"] == "appeal" and versions[0]["current"]
    assert "appeal.bpmn" in versions[0]["files"]
    assert clients("gaozhao").get("/processes").status_code == 403


def test_nul_characters_never_reach_the_database_as_errors(clients, sql):
    from tests.flows import DISPATCH_GAOZHAO, act, new_case, open_item

    resp = clients("intake").post("/cases", json={"channel": "110", "external_ref": "A\u0000B",
                                                  "description": "玻璃\u0000碎片"})
    assert resp.status_code == 422
    assert {"external_ref", "description"} <= set(resp.json()["error"]["fields"])
    assert clients("supervisor").get("/cases", params={"q": "a\u0000b"}).status_code == 400
    assert clients("supervisor").get("/cases/MS%00").status_code in (400, 404)
    no = new_case(clients)["case_no"]
    act(clients, "dispatcher", no, DISPATCH_GAOZHAO)
    item = open_item(clients, "gaozhao", no)
    done = clients("gaozhao").post(f"/tasks/{item['id']}/complete",
                                   json={"data": {"result": "resolved", "measures": "已\u0000处置"}})
    assert done.status_code in (200, 422), done.text
    assert sql("SELECT count(*) FROM cases")[0][0] == 1
