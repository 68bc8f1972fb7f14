"""Imports every model so that Alembic and create_app see the whole schema."""
from app.auth.models import ApiToken, AuthEvent, Membership, Qualification, User, WebSession
from app.cases.models import Attachment, CaseExpert
from app.casework.models import Case, CaseEvent, Notification, WorkItem
from app.people.models import DutyShift
from app.routing.models import Team, Township
from app.versions.models import ProcessVersion

__all__ = ["ApiToken", "Attachment", "AuthEvent", "Case", "CaseEvent", "CaseExpert", "DutyShift", "Membership",
           "Notification", "ProcessVersion", "Qualification", "Team", "Township", "User", "WebSession", "WorkItem"]
