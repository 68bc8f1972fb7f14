"""Imports every model so that Alembic and create_app see the whole schema."""
from app.auth.models import ApiToken, AuthEvent, Membership, User, WebSession
from app.cases.models import Case, CaseEvent
from app.designer.models import ProcessVersion
from app.routing.models import Team, Township
from app.tasks.models import WorkItem

__all__ = ["ApiToken", "AuthEvent", "Case", "CaseEvent", "Membership", "ProcessVersion", "Team", "Township", "User",
           "WebSession", "WorkItem"]
