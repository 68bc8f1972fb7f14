"""What every figure means, as the reports page and the exported files write it (English msgids, Chinese
in the catalogue)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The summary's figures in the page's order: (key, label, definition).
SUMMARY = [
    ("opened", _l("Opened"), _l("Cases opened in the period.")),
    ("returned_to_police", _l("Returned to police"),
     _l("Of the cases opened in the period, those identified as police work and handed back.")),
    ("closed", _l("Closed"), _l("Of the cases opened in the period, those closed by the report's time.")),
    ("completion_rate", _l("Completion rate"),
     _l("Closed ÷ (opened − returned to police); empty when nothing is left to divide by.")),
    ("closed_in_period", _l("Closed in the period"), _l("Cases closed in the period, whenever they were opened.")),
    ("callbacks", _l("Callbacks"),
     _l("Cases whose callback was answered in the period; a reopened case counts by its latest answer.")),
    ("satisfaction_rate", _l("Satisfaction rate"),
     _l("(Satisfied + basically satisfied) ÷ callbacks of the period.")),
    ("open_now", _l("Open now"), _l("Cases not yet closed or returned to police at the report's time.")),
    ("overdue_now", _l("Overdue now"),
     _l("Open cases with a team's step past its limit at the report's time (escalations not counted).")),
    ("median_response_minutes", _l("Median response (minutes)"),
     _l("From the call or post time (else the opening) to a township or specialised team's first sign-for "
        "or completion; the value at rank ⌈n/2⌉ of the cases opened in the period.")),
    ("p90_response_minutes", _l("90th percentile response (minutes)"),
     _l("The same durations, the value at rank ⌈0.9·n⌉.")),
    ("median_handling_hours", _l("Median handling (hours)"),
     _l("Opening to closing of the closed cases opened in the period, the value at rank ⌈n/2⌉.")),
    ("reopened", _l("Reopened"), _l("Cases sent back to handling by an unsatisfied callback in the period.")),
    ("carried_over", _l("Carried over"), _l("Weekly: cases open at the week's start.")),
    ("to_clear_total", _l("To clear today"), _l("Daily: open steps due by the day's end or overdue.")),
    ("repeat_complaints", _l("Repeat complaints"),
     _l("Monthly: cases opened by a phone that opened another case in the 30 days before.")),
]

TABLES = {
    "by_township": (_l("By township"), _l("Opened and closed of the period's cases, and open cases overdue now, "
                                          "per township (the dispatcher's decision).")),
    "by_category": (_l("By category"), _l("Cases opened in the period per category.")),
    "escalations": (_l("Escalations"), _l("Escalations opened in the period, and those a supervisor closed in it "
                                          "with each action.")),
    "mediation": (_l("Mediation"), _l("Mediations started in the period (a case's first), and the outcomes "
                                      "recorded in it.")),
    "judicial": (_l("Judicial confirmation"), _l("Applications made in the period (a case's first), and the "
                                                 "court's decisions recorded in it.")),
    "to_clear": (_l("To clear today"), _l("Open steps due by the day's end or overdue, most urgent first.")),
    "by_team": (_l("Teams' open steps"), _l("Open steps per team now, and how many are past their limit.")),
    "by_day": (_l("By day"), _l("Cases opened and closed on each day of the month.")),
    "category_trend": (_l("Categories over time"), _l("Cases opened per category on each day of the month.")),
    "breaches_by_step": (_l("Limit breaches by step"),
                         _l("Team steps that came in the month, and how many went past their limit (done late, "
                            "or open and overdue now).")),
    "identification": (_l("Identification accuracy"),
                       _l("Of the routing decisions of the month, how often the suggestion made at intake agreed "
                          "with the dispatcher, field by field.")),
}
