"""Reading a roster file (app.people.roster.parse): the spreadsheet's own rows, Chinese headers, numbers in
phone cells, blank lines, and files that are no roster at all."""
from __future__ import annotations

import io

from openpyxl import Workbook

from app.people.roster import parse


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_chinese_headers_number_cells_and_blank_lines_are_read_as_the_contract_s_columns():
    data = _xlsx([["用户名", "姓名", "手机", "队伍", "角色", "资质", "证书编号", "队长"],
                  ["li1", "李一", 13905731001, "高照街道民声服务队", "承办", "人民调解员", "嘉调证1", "是"],
                  [None, None, None, None, None, None, None, None],
                  ["li2", "李二", 13905731002.0, "ms-xiuzhou-gaozhao", "caseworker", "", "", ""]])
    rows, problems = parse("r.xlsx", data)
    assert problems == []
    assert [number for number, _cells in rows] == [2, 4], "the spreadsheet's row numbers, blank lines skipped"
    first = rows[0][1]
    assert first["phone"] == "13905731001" and first["qualifications"] == "人民调解员" and first["leader"] == "是"
    assert rows[1][1]["phone"] == "13905731002", "a phone typed into a number cell"


def test_a_file_that_is_no_roster_is_one_problem_of_row_one():
    for data, word in ((b"", "empty"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
                       (b"\xff\xfe\x00\x00bad", "NUL")):
        rows, problems = parse("x", data)
        assert rows == [] and len(problems) >= 1 and problems[0].row == 1, (data, problems)
        assert word in problems[0].message or problems[0].kind in ("empty", "unreadable"), problems
