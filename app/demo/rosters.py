"""A generated city roster (`flask --app app demo roster FILE`): members for the township and specialised teams,
one leader each, the 三师一员 qualifications in Jiaxing's proportions (788 of 1,400, 532 of them people's
mediators), and on request some bad rows — an unknown team, a duplicate user name, a bad phone, an unknown
qualification in turn — with the problems they must cause. The tests and the import benchmark use it; so can
anyone trying the import on /admin."""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field

HEADER = ["username", "name", "phone", "team", "role", "qualifications", "certificate_no", "leader"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然欣怡婷雪琳晨阳建国志文斌海燕"
# Of every 1,400 members: 532 people's mediators and 256 social workers, counsellors or coordinators.
_MEDIATORS, _OTHERS = 532, 256
BAD_KINDS = ("team", "username", "phone", "qualifications")


@dataclass
class Roster:
    rows: list[list[str]]  # without the header
    expected: list[tuple[int, str]] = field(default_factory=list)  # (spreadsheet row, column) of each problem

    def fixed(self) -> Roster:
        """The same roster with every bad row corrected (as an administrator would after the dry run)."""
        out = [list(r) for r in self.rows]
        for number, column in self.expected:
            row = out[number - 2]
            index = HEADER.index(column)
            row[index] = {"team": row[HEADER.index("team")].removeprefix("no-such-"),
                          "username": f"{row[0]}-fixed{number}",
                          "phone": f"139{number:08d}", "qualifications": "mediator"}[column]
        return Roster(out)

    def csv_bytes(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(self.rows)
        return buffer.getvalue().encode("utf-8-sig")

    def xlsx_bytes(self) -> bytes:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("花名册")
        sheet.append(HEADER)
        for row in self.rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def generate(teams: list[str], members: int = 1400, bad: int = 0, seed: int = 2026,
             prefix: str = "jx") -> Roster:
    """``teams``: the team codes to spread the members over (one leader each, in order)."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for i in range(members):
        team = teams[i % len(teams)]
        if i < _MEDIATORS:
            quals, certificate = "mediator", f"嘉调证{2026_0000 + i}"
        elif i < _MEDIATORS + _OTHERS:
            quals = ("social_worker", "counsellor", "labour_coordinator")[i % 3]
            certificate = f"证{i:05d}" if i % 2 else ""
            if i % 7 == 0:
                quals += ",mediator"
                certificate = certificate or f"嘉调证{2026_0000 + i}"
        else:
            quals, certificate = "", ""
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")
        rows.append([f"{prefix}{i:04d}", name, f"13{rng.randint(5, 9)}{rng.randint(0, 99_999_999):08d}", team,
                     "caseworker", quals, certificate, "是" if i < len(teams) else ""])
    roster = Roster(rows)
    # Bad rows spread over the file, each with exactly one problem.
    step = max(1, members // max(bad, 1))
    for n in range(bad):
        index = min(members - 1, n * step + step // 2)
        row = rows[index]
        kind = BAD_KINDS[n % len(BAD_KINDS)]
        if kind == "team":
            row[3] = f"no-such-{row[3]}"
        elif kind == "username":
            row[0] = rows[index - 1][0] if index else rows[1][0]
        elif kind == "phone":
            row[2] = f"12{index:05d}"
        else:
            row[5] = "lawyer" if not row[5] else row[5] + ",astrologer"
        roster.expected.append((index + 2, kind))
    roster.expected.sort()
    return roster
