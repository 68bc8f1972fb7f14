"""What a person's fields must be, the same for the API, the administration pages and the roster import, so a
row the import refuses is refused with the words the API would use."""
from __future__ import annotations

import re

from app.auth.models import QUALIFICATIONS, ROLES

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
USERNAME_RULE = "letters, digits, '.', '_' and '-' (64 at most), starting with a letter or digit"
# A mainland mobile (11 digits from 13x–19x) or a landline with its area code (0573-82345678).
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
PHONE_RULE = "a mobile number (11 digits, 13x–19x) or a landline with area code (0573-82345678)"
NAME_MAX = 128
CERTIFICATE_MAX = 64
# Chinese names a roster may use for the qualifications (三师一员) and roles, beside the codes.
QUALIFICATION_ALIASES = {"社工": "social_worker", "社会工作者": "social_worker", "社会工作师": "social_worker",
                         "心理咨询师": "counsellor", "心理辅导员": "counsellor",
                         "劳动关系协调员": "labour_coordinator", "劳动关系协调师": "labour_coordinator",
                         "人民调解员": "mediator", "调解员": "mediator"}
ROLE_ALIASES = {"受理": "intake", "接警员": "intake", "分流": "dispatcher", "分流员": "dispatcher",
                "承办": "caseworker", "队员": "caseworker", "法官": "court", "回访": "callback", "回访员": "callback",
                "督办": "supervisor", "流程设计": "designer", "专家": "expert"}
# A roster is a team's list of members: it can neither make administrators nor metrics accounts.
ROSTER_ROLES = tuple(r for r in ROLES if r not in ("admin", "monitor"))
_SPLIT = re.compile(r"[,，、;；/\s]+")


def split_list(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text.strip()) if part]


def phone_problem(phone: str) -> str | None:
    return None if _MOBILE.match(phone) or _LANDLINE.match(phone) else f"not a phone number: {PHONE_RULE}"


def normal_phone(raw: str) -> str:
    """Spaces and the country code dropped; a landline keeps its dash."""
    phone = re.sub(r"[\s()（）]", "", raw)
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    return phone.replace("-", "") if len(phone.replace("-", "")) == 11 and phone.startswith("1") else phone


# Control characters, bidirectional overrides and zero-width characters make a name look like another one (or
# reorder a line in a log); a leading =, +, - or @ is a formula to a spreadsheet that opens an export.
_UNSAFE_IN_NAME = re.compile("[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def name_problem(name: str) -> str | None:
    if _UNSAFE_IN_NAME.search(name):
        return "holds control, direction or zero-width characters"
    if name[:1] in ("=", "+", "-", "@"):
        return "starts with =, +, - or @ (a spreadsheet would read a formula)"
    return None


def username_problem(username: str) -> str | None:
    return None if USERNAME.match(username) else f"not a user name: {USERNAME_RULE}"


def _codes(parts: list[str], aliases: dict[str, str], allowed: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(known codes, each once, in order; unknown words) of codes or their Chinese names."""
    known: list[str] = []
    unknown: list[str] = []
    for part in parts:
        code = aliases.get(part, part.lower())
        if code not in allowed:
            unknown.append(part)
        elif code not in known:
            known.append(code)
    return known, unknown


def qualification_codes(parts: list[str]) -> tuple[list[str], list[str]]:
    return _codes(parts, QUALIFICATION_ALIASES, QUALIFICATIONS)


def role_codes(parts: list[str], allowed: tuple[str, ...] = ROLES) -> tuple[list[str], list[str]]:
    return _codes(parts, ROLE_ALIASES, allowed)
