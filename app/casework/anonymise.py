"""What retention keeps of a case's stored data: the codes (decisions, categories, townships, teams, outcomes,
numbers and flags) that the reports and the diagram need, and nothing a person typed or that names a person."""
from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from app.casework.models import PSEUDONYM_PREFIX

# Keys whose values identify a person or a place, whatever their form (a phone is digits, a position numbers).
PERSONAL_KEY = re.compile(r"name|phone|address|reporter|poster|caller|contact|id_card|plate|^lat$|^lon$|url|link",
                          re.IGNORECASE)
# A code: what a form's enumeration, a team or a township is; free text (Chinese, sentences, e-mail) is not.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
LONG_NUMBER = re.compile(r"^\d{7,}$")  # a phone or an identity number written alone


def kept(value: Any) -> Any:
    """The value with everything personal taken out (dicts and lists kept in shape, free text gone)."""
    if isinstance(value, dict):
        return {k: kept(v) for k, v in value.items() if not PERSONAL_KEY.search(str(k)) and _keeps(v)}
    if isinstance(value, list):
        return [kept(v) for v in value if _keeps(v)]
    return value


def _keeps(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | dict | list):
        return True
    return isinstance(value, str) and bool(CODE.match(value)) and not LONG_NUMBER.match(value)


def pseudonym(phone: str | None, key: str) -> str | None:
    """The same phone gives the same pseudonym under one key, so repeat complaints still pair up."""
    if not phone or phone.startswith(PSEUDONYM_PREFIX):
        return phone
    digest = hmac.new(key.encode(), phone.replace(" ", "").replace("-", "").encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:24]
