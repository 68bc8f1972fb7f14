"""What every figure means, as the reports page and the exported files write it (English msgids, Chinese
in the catalogue)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _  # lazy: read at import, spoken in each request's language

# The summary's figures in the page's order: (key, label, definition).
SUMMARY = [
    ("opened", _("Cases opened"), _("Cases opened in the period.")),
    ("returned_to_police", _("Returned to police"),
     _("Of the cases opened in the period, those identified as police work and handed back.")),
    ("closed", _("Cases closed"), _("Of the cases opened in the period, those closed by the report's time.")),
    ("completion_rate", _("Completion rate"),
     _("Closed ÷ (opened − returned to police); empty when nothing is left to divide by.")),
    ("closed_in_period", _("Closed in the period"), _("Cases closed in the period, whenever they were opened.")),
    ("callbacks", _("Callbacks"),
     _("Callback answers given in the period; a case reopened after an unsatisfied answer is called back "
       "again and counts again.")),
    ("satisfaction_rate", _("Satisfaction rate"),
     _("(Satisfied + basically satisfied) ÷ callbacks of the period.")),
    ("open_now", _("Open now"), _("Cases not yet closed or returned to police at the report's time.")),
    ("overdue_now", _("Overdue now"),
     _("Open cases with a team's step past its limit at the report's time (escalations not counted).")),
    ("median_response_minutes", _("Median response (minutes)"),
     _("From the call or post time (else the opening) to a township or specialised team's first sign-for "
        "or completion; the value at rank ⌈n/2⌉ of the cases opened in the period.")),
    ("p90_response_minutes", _("90th percentile response (minutes)"),
     _("The same durations, the value at rank ⌈0.9·n⌉.")),
    ("median_handling_hours", _("Median handling (hours)"),
     _("Opening to closing of the closed cases opened in the period, the value at rank ⌈n/2⌉.")),
    ("reopened", _("Reopened"),
     _("Cases sent back to handling by a callback in the period (counted by their latest reopening).")),
    ("carried_over", _("Carried over"), _("Weekly: cases open at the week's start.")),
    ("to_clear_total", _("To clear today"), _("Daily: open steps due by the day's end or overdue.")),
    ("repeat_complaints", _("Repeat complaints"),
     _("Monthly: cases opened by a phone that opened another case in the 30 days before.")),
]

TABLES = {
    "by_township": (_("By township"), _("Opened and closed of the period's cases, and open cases overdue now, "
                                          "per township (the dispatcher's decision).")),
    "by_category": (_("By category"), _("Cases opened in the period per category.")),
    "escalations": (_("Escalations"), _("Escalations opened in the period, and those a supervisor closed in it "
                                          "with each action.")),
    "mediation": (_("Mediation"), _("Mediations begun in the period (every round), and the outcomes recorded in "
                                      "it.")),
    "judicial": (_("Judicial confirmation"), _("Applications to the court made in the period, and the court's "
                                                 "decisions recorded in it.")),
    "to_clear": (_("To clear today"), _("Open steps due by the day's end or overdue, most urgent first.")),
    "by_team": (_("Teams' open steps"), _("Open steps per team now, and how many are past their limit.")),
    "by_day": (_("By day"), _("Cases opened and closed on each day of the month.")),
    "category_trend": (_("Categories over time"), _("Cases opened per category on each day of the month.")),
    "breaches_by_step": (_("Limit breaches by step"),
                         _("Team steps that came in the month, and how many went past their limit (done late, "
                            "or open and overdue now).")),
    "identification": (_("Identification accuracy"),
                       _("Of the routing decisions of the month, how often the suggestion made at intake agreed "
                          "with the dispatcher, field by field.")),
}
