"""A report's tables as files: one CSV per table, or one XLSX workbook with a sheet per table. Every table has
a header row; the summary names each figure by its key (as the JSON does), its label and its definition."""
from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from app.reports import definitions
from app.reports.service import category_name

# A spreadsheet takes a cell starting with one of these as a formula: text that does is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return value.get("name") or value.get("code")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def tables(report: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each table of the report: its name, header and rows (values as the JSON holds them)."""
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    out["summary"] = (["figure", "名称 / label", "value", "定义 / definition"],
                      [[key, str(label), report[key], str(meaning)]
                       for key, label, meaning in definitions.SUMMARY if key in report])
    out["by_township"] = (["code", "name", "opened", "closed", "overdue_now"],
                          [[r["code"], r["name"], r["opened"], r["closed"], r["overdue_now"]]
                           for r in report["by_township"]])
    out["by_category"] = (["code", "name", "opened"],
                          [[r["code"], r["name"], r["opened"]] for r in report["by_category"]])
    for part in ("escalations", "mediation", "judicial"):
        out[part] = (["figure", "value"], [[k, v] for k, v in report[part].items()])
    if "to_clear" in report:
        out["to_clear"] = (["id", "case_no", "name", "team", "assignee", "due_at", "overdue", "escalation"],
                           [[r["id"], r["case_no"], r["name"], r["team"], r["assignee"], r["due_at"], r["overdue"],
                             r["escalation"]] for r in report["to_clear"]])
        out["by_team"] = (["code", "name", "open", "overdue"],
                          [[r["code"], r["name"], r["open"], r["overdue"]] for r in report["by_team"]])
    if "by_day" in report:
        out["by_day"] = (["date", "opened", "closed"],
                         [[r["date"], r["opened"], r["closed"]] for r in report["by_day"]])
        out["category_trend"] = (["date", "code", "name", "opened"],
                                 [[r["date"], r["code"], category_name(r["code"]), r["opened"]]
                                  for r in report["category_trend"]])
        out["breaches_by_step"] = (["name", "items", "breached"],
                                   [[r["name"], r["items"], r["breached"]] for r in report["breaches_by_step"]])
        ident = report["identification"]
        out["identification"] = (["field", "agreed", "compared", "accuracy"],
                                 [[k, v["agreed"], v["compared"], v["accuracy"]] for k, v in ident["fields"].items()])
    return out


def as_csv(report: dict[str, Any], table: str) -> str | None:
    """One table as CSV (with a BOM, so that spreadsheet programs read the Chinese), or None when unknown."""
    found = tables(report).get(table)
    if found is None:
        return None
    header, rows = found
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


def as_xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    first = True
    for name, (header, rows) in tables(report).items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = name
        first = False
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_name(report: dict[str, Any], extension: str, table: str | None = None) -> str:
    scope = report["scope"]["code"] or "city"
    tail = f"-{table}" if table else ""
    return f"report-{report['kind']}-{report['period']['from']}-{scope}{tail}.{extension}"
