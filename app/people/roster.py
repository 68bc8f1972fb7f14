"""A team roster from XLSX or CSV: every problem by row and column, nothing imported while there is one; then
the whole roster in one transaction.

The columns are the contract's (`username`, `name`, `phone`, `team`, `role`, `qualifications`, `certificate_no`;
Chinese headers such as 用户名 and 姓名 are read as them) plus an optional `leader` (是/yes/1). Row numbers are
the spreadsheet's own: the header is row 1. An existing user is brought up to date, never stripped: a roster adds
teams, roles and qualifications (removing them is an administrator's act on the person's page), and it can
neither grant the admin role nor reactivate a deactivated person."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from app.auth import audit
from app.auth.models import QUALIFICATIONS, ROLES, Membership, Qualification, User
from app.auth.principal import Principal
from app.engine import clock
from app.extensions import db
from app.people import rules
from app.routing.models import Team

COLUMNS = ("username", "name", "phone", "team", "role", "qualifications", "certificate_no", "leader")
REQUIRED = ("username", "name", "team")
HEADER_ALIASES = {"用户名": "username", "账号": "username", "登录名": "username", "姓名": "name", "名字": "name",
                  "手机": "phone", "手机号": "phone", "手机号码": "phone", "电话": "phone", "联系电话": "phone",
                  "队伍": "team", "团队": "team", "所属队伍": "team", "队伍编码": "team", "角色": "role",
                  "资质": "qualifications", "证书编号": "certificate_no", "证书号": "certificate_no",
                  "队长": "leader", "负责人": "leader", "roles": "role", "qualification": "qualifications",
                  "certificate": "certificate_no", "display_name": "name", "team_code": "team"}
MAX_ROWS = 20_000
MAX_CELL = 256
MAX_INFLATED = 100 * 1024 * 1024
MAX_COLUMNS = 64
# Rows read at all, blank ones included: a sheet may declare a million empty rows.
MAX_SHEET_ROWS = 5 * MAX_ROWS
# A team's role when its row leaves the role empty: what its members do there.
ROLE_BY_TEAM_KIND = {"court": "court", "callback": "callback", "dispatch": "dispatcher", "supervision": "supervisor"}
_YES = {"1", "y", "yes", "true", "是", "√", "✓", "队长", "负责人"}


@dataclass
class Problem:
    """``message`` is the API's (English, as all its errors); ``kind`` and ``value`` let a page say it in the
    reader's language."""

    row: int
    column: str
    message: str
    kind: str = "invalid"
    value: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "kind": self.kind,
                "value": self.value}


@dataclass
class Member:
    row: int
    username: str
    name: str
    phone: str | None
    team: str
    roles: list[str]
    qualifications: list[str]
    certificate_no: str | None
    leader: bool


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = True

    def as_json(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "rows": self.rows,
                "dry_run": self.dry_run, "imported": not self.dry_run and not self.problems,
                "problems": [p.as_json() for p in self.problems], "warnings": [w.as_json() for w in self.warnings]}


class Unreadable(Exception):
    """The file is no roster at all (not XLSX or CSV, no header): one problem for row 1."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed into a number cell: 13905731001.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only for XLSX uploads

    try:
        # A few megabytes of zip can inflate to gigabytes of XML (openpyxl reads the shared strings whole).
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
        if inflated > MAX_INFLATED:
            raise Unreadable(f"the XLSX file inflates to {inflated // (1024 * 1024)} MB; a roster needs far less")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Unreadable:
        raise
    except Exception as err:  # zipfile, XML and openpyxl's own errors for a damaged file
        raise Unreadable(f"not a readable XLSX file ({type(err).__name__})") from None
    try:
        sheet = book.worksheets[0]
        # Read-only openpyxl pads every row to the sheet's declared width (16,384 columns for a sheet that claims
        # XFD): a roster has eight columns, so nothing past the 64th is read.
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [_cell(v) for v in values]
    except Exception as err:  # a sheet damaged past its first rows
        raise Unreadable(f"the XLSX sheet cannot be read ({type(err).__name__})") from None
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in a Chinese locale saves CSV in GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable("the file is neither UTF-8 nor GB18030 text")
    if "\x00" in text:
        raise Unreadable("not a CSV file (it holds NUL characters)")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for values in csv.reader(io.StringIO(text), dialect):
        yield [v.strip() for v in values]


def read_table(filename: str, data: bytes) -> Iterator[list[str]]:
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Unreadable("an old Excel (.xls) file: save it as .xlsx or CSV")
    return _csv_rows(data)


def _header(values: list[str]) -> tuple[dict[str, int], list[Problem]]:
    columns: dict[str, int] = {}
    problems = []
    for index, raw in enumerate(values):
        name = HEADER_ALIASES.get(raw.strip(), raw.strip().lower().replace(" ", "_"))
        if name in COLUMNS and name not in columns:
            columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            problems.append(Problem(1, name, f"the header has no column {name}; columns are {', '.join(COLUMNS[:7])}",
                                    "missing_column", name))
    return columns, problems


def parse(filename: str, data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The data rows (spreadsheet row number, column → text), and the header's problems."""
    try:
        rows = read_table(filename, data)
        header = next(rows, None)
        if header is None:
            return [], [Problem(1, "username", "the file is empty: a header row and one row per member", "empty")]
        columns, problems = _header(header)
        out: list[tuple[int, dict[str, str]]] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_SHEET_ROWS:
                problems.append(Problem(number, "username", f"more than {MAX_SHEET_ROWS} rows, blank ones "
                                                            f"included: split the roster", "too_many_rows",
                                        str(MAX_SHEET_ROWS)))
                break
            if not any(values):
                continue  # blank lines between teams
            if len(out) >= MAX_ROWS:
                problems.append(Problem(number, "username", f"more than {MAX_ROWS} rows: split the roster",
                                        "too_many_rows", str(MAX_ROWS)))
                break
            out.append((number, {name: values[i] if i < len(values) else "" for name, i in columns.items()}))
    except Unreadable as err:
        return [], [Problem(1, "file", str(err), "unreadable")]
    except csv.Error as err:
        return [], [Problem(1, "file", f"not a readable CSV file: {err}", "unreadable")]
    return out, problems


@dataclass
class _Teams:
    kinds: dict[str, str]
    by_name: dict[str, str]

    @classmethod
    def load(cls) -> _Teams:
        rows = db.session.execute(select(Team.code, Team.name, Team.kind).where(Team.active.is_(True))).all()
        return cls({r.code: r.kind for r in rows}, {r.name: r.code for r in rows})

    def code(self, text: str) -> str | None:
        return text if text in self.kinds else self.by_name.get(text)


def check(rows: list[tuple[int, dict[str, str]]], teams: _Teams) -> tuple[list[Member], list[Problem], list[Problem]]:
    """Every row's problems (one row may have several), and the rows that have none as members."""
    members: list[Member] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        found: list[Problem] = []

        def bad(column: str, message: str, kind: str, value: str = "", row: int = number,
                into: list[Problem] = found) -> None:
            into.append(Problem(row, column, message, kind, value))

        for column, text in cells.items():
            if len(text) > MAX_CELL:
                bad(column, f"longer than {MAX_CELL} characters", "too_long", str(MAX_CELL))
                cells[column] = ""
        username = cells.get("username", "")
        if not username:
            bad("username", "required", "required")
        elif rules.username_problem(username):
            bad("username", rules.username_problem(username) or "", "username_rule", username)
        elif username.lower() in seen:
            bad("username", f"duplicate user name {username}: also in row {seen[username.lower()]}", "duplicate",
                str(seen[username.lower()]))
        else:
            seen[username.lower()] = number
        name = cells.get("name", "")
        if not name:
            bad("name", "required", "required")
        elif len(name) > rules.NAME_MAX:
            bad("name", f"longer than {rules.NAME_MAX} characters", "too_long", str(rules.NAME_MAX))
        elif rules.name_problem(name):
            bad("name", f"the name {rules.name_problem(name)}", "unsafe_name", name)
        phone = rules.normal_phone(cells.get("phone", "")) or None
        if phone and rules.phone_problem(phone):
            bad("phone", f"{cells.get('phone')} is {rules.phone_problem(phone)}", "bad_phone", cells.get("phone", ""))
        team_text = cells.get("team", "")
        team = teams.code(team_text) if team_text else None
        if not team_text:
            bad("team", "required", "required")
        elif team is None:
            bad("team", f"unknown team {team_text}: give a team's code or its name as the service lists them",
                "unknown_team", team_text)
        role_parts = rules.split_list(cells.get("role", ""))
        roles, unknown_roles = rules.role_codes(role_parts, rules.ROSTER_ROLES)
        for part in unknown_roles:
            granted = part.lower() in ROLES  # a role, but not one a roster may give
            bad("role", f"a roster cannot grant the role {part}" if granted else
                f"unknown role {part}; roles are {', '.join(rules.ROSTER_ROLES)}",
                "role_not_granted" if granted else "unknown_role", part)
        if not role_parts and team is not None:
            roles = [ROLE_BY_TEAM_KIND.get(teams.kinds[team], "caseworker")]
        quals, unknown_quals = rules.qualification_codes(rules.split_list(cells.get("qualifications", "")))
        for part in unknown_quals:
            bad("qualifications", f"unknown qualification {part}; they are {', '.join(QUALIFICATIONS)} (or "
                                  f"社会工作师, 心理咨询师, 劳动关系协调员, 人民调解员)", "unknown_qualification", part)
        certificate = cells.get("certificate_no", "") or None
        if certificate and len(certificate) > rules.CERTIFICATE_MAX:
            bad("certificate_no", f"longer than {rules.CERTIFICATE_MAX} characters", "too_long",
                str(rules.CERTIFICATE_MAX))
        if "mediator" in quals and not certificate:
            warnings.append(Problem(number, "certificate_no", "a people's mediator without a certificate number: "
                                                              "their agreements will say 未登记", "no_certificate"))
        if found:
            problems.extend(found)
        elif team is not None:
            members.append(Member(number, username, name, phone, team, roles, quals, certificate,
                                  cells.get("leader", "").strip().lower() in _YES))
    return members, problems, warnings


def _existing(usernames: list[str]) -> tuple[dict[str, Any], dict[int, set[str]], dict[int, dict[str, str | None]]]:
    users: dict[str, Any] = {}
    for start in range(0, len(usernames), 500):
        chunk = usernames[start:start + 500]
        for u in db.session.execute(select(User.__table__).where(User.username.in_(chunk))):
            users[u.username] = u
    ids = [u.id for u in users.values()]
    teams: dict[int, set[str]] = {}
    quals: dict[int, dict[str, str | None]] = {}
    for start in range(0, len(ids), 500):
        chunk_ids = ids[start:start + 500]
        for m in db.session.execute(select(Membership.user_id, Membership.team_code)
                                    .where(Membership.user_id.in_(chunk_ids))):
            teams.setdefault(m.user_id, set()).add(m.team_code)
        for q in db.session.execute(select(Qualification.user_id, Qualification.code, Qualification.certificate_no)
                                    .where(Qualification.user_id.in_(chunk_ids))):
            quals.setdefault(q.user_id, {})[q.code] = q.certificate_no
    return users, teams, quals


def import_roster(actor: Principal, filename: str, data: bytes, *, dry_run: bool) -> Outcome:
    """Check the roster; unless ``dry_run`` and if it has no problem, import it (the caller commits, once)."""
    rows, problems = parse(filename, data)
    # Without the header's columns every row would fail the same way: the header's problems say it once.
    members, row_problems, warnings = check(rows, _Teams.load()) if not problems else ([], [], [])
    outcome = Outcome(rows=len(rows), problems=problems + row_problems, warnings=warnings, dry_run=dry_run)
    users, teams, quals = _existing([m.username for m in members])
    members = _without_case_twins(members, users, outcome.problems)
    new = [m for m in members if m.username not in users]
    changes: list[tuple[Member, Any, dict[str, Any]]] = []
    for member in members:
        user = users.get(member.username)
        if user is None:
            continue
        change = _change(member, user, teams.get(user.id, set()), quals.get(user.id, {}))
        if not user.active:
            outcome.warnings.append(Problem(member.row, "username", f"{member.username} is deactivated: the import "
                                                                    f"does not reactivate anyone", "deactivated",
                                            member.username))
        if change:
            changes.append((member, user, change))
        else:
            outcome.unchanged += 1
    outcome.created, outcome.updated = len(new), len(changes)
    outcome.problems.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else -1))
    if dry_run or outcome.problems:
        return outcome
    _write(actor, filename, new, changes)
    return outcome


def _without_case_twins(members: list[Member], users: dict[str, Any], problems: list[Problem]) -> list[Member]:
    """A new user name that differs from someone's only in case (Admin beside admin) is a look-alike: refused."""
    known = {name.lower(): name for name in db.session.execute(select(User.username)).scalars()}
    kept = []
    for member in members:
        twin = known.get(member.username.lower())
        if member.username not in users and twin is not None:
            problems.append(Problem(member.row, "username", f"{member.username} differs from the user {twin} only in "
                                                            f"case", "case_twin", twin))
        else:
            kept.append(member)
    return kept


def _change(member: Member, user: Any, teams: set[str], quals: dict[str, str | None]) -> dict[str, Any]:
    change: dict[str, Any] = {}
    if member.name != user.display_name:
        change["name"] = member.name
    if member.phone and member.phone != user.phone:
        change["phone"] = member.phone
    roles = set((user.roles or "").split(",")) - {""}
    if not set(member.roles) <= roles:
        change["roles"] = ",".join(sorted(roles | set(member.roles)))
    if member.team not in teams:
        change["team"] = member.team
    added = [q for q in member.qualifications if q not in quals]
    recertified = [q for q in member.qualifications if q in quals and member.certificate_no
                   and quals[q] != member.certificate_no]
    if added or recertified:
        change["qualifications"] = (added, recertified)
    return change


def _write(actor: Principal, filename: str, new: list[Member],
           changes: list[tuple[Member, Any, dict[str, Any]]]) -> None:
    now = clock.now()
    users_t, members_t, quals_t = User.__table__, Membership.__table__, Qualification.__table__
    if new:
        # Without a password: an administrator's reset gives each their first one (a temporary one, changed at
        # the first sign-in). A spreadsheet is no place for passwords.
        db.session.execute(insert(users_t), [
            {"username": m.username, "display_name": m.name, "phone": m.phone, "roles": ",".join(m.roles),
             "active": True, "created_at": now, "auth_version": 1, "password_hash": None,
             "must_change_password": False} for m in new])
        ids = _existing([m.username for m in new])[0]
        db.session.execute(insert(members_t), [{"user_id": ids[m.username].id, "team_code": m.team,
                                                "is_leader": m.leader} for m in new])
        qualified = [{"user_id": ids[m.username].id, "code": q, "certificate_no": m.certificate_no}
                     for m in new for q in m.qualifications]
        if qualified:
            db.session.execute(insert(quals_t), qualified)
    for member, user, change in changes:
        values: dict[str, Any] = {"auth_version": users_t.c.auth_version + 1}
        if "name" in change:
            values["display_name"] = change["name"]
        if "phone" in change:
            values["phone"] = change["phone"]
        if "roles" in change:
            values["roles"] = change["roles"]
        db.session.execute(update(users_t).where(users_t.c.id == user.id).values(**values))
        if "team" in change:
            db.session.execute(insert(members_t).values(user_id=user.id, team_code=member.team,
                                                        is_leader=member.leader))
        if "qualifications" in change:
            added, recertified = change["qualifications"]
            if added:
                db.session.execute(insert(quals_t), [{"user_id": user.id, "code": q,
                                                      "certificate_no": member.certificate_no} for q in added])
            if recertified:
                db.session.execute(update(quals_t).where(quals_t.c.user_id == user.id, quals_t.c.code.in_(recertified))
                                   .values(certificate_no=member.certificate_no))
    audit.record_many([("user.created", m.username, f"by {actor.username}; roster import, row {m.row}")
                       for m in new] +
                      [("user.updated", m.username, f"by {actor.username}; roster import, row {m.row}: "
                                                    f"{', '.join(sorted(c))}") for m, _u, c in changes])
    audit.record("roster.imported", username=actor.username, user_id=actor.user_id,
                 detail=f"{filename[:120]}: {len(new)} created, {len(changes)} updated")
