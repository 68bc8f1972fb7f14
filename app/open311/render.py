"""Open311 GeoReport v2 answers in the two formats the path names (.json or .xml), and its errors as the spec
writes them: a list of {"code", "description"} in JSON, <errors><error> in XML."""
from __future__ import annotations

from typing import Any

from flask import Response, json
from lxml import etree

from app.errors import open311_errors

FORMATS = ("json", "xml")
# The element a list's items get in XML, by the list's own element.
ITEM_TAGS = {"services": "service", "service_requests": "request", "endpoints": "endpoint",
             "formats": "format", "attributes": "attribute", "values": "value"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _element(tag: str, value: Any) -> Any:
    node = etree.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            node.append(_element(key, inner))
    elif isinstance(value, list):
        for inner in value:
            node.append(_element(ITEM_TAGS.get(tag, "item"), inner))
    else:
        node.text = _text(value)
    return node


def answer(fmt: str, root: str, body: Any, status: int = 200) -> Response:
    """``root``: the XML document's element (services, service_requests, service_definition, discovery…)."""
    if fmt == "xml":
        document = etree.tostring(_element(root, body), xml_declaration=True, encoding="utf-8")
        return Response(document, status=status, mimetype="text/xml")
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    return open311_errors(status, list(descriptions), fmt == "xml")
