from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """Who is acting: what a request's token or session resolves to."""

    user_id: int
    username: str
    display_name: str
    roles: frozenset[str]
    teams: frozenset[str]
    qualifications: frozenset[str] = frozenset()
    leads: frozenset[str] = frozenset()  # the teams this user leads
    must_change_password: bool = False

    def has_role(self, *roles: str) -> bool:
        # An admin has every other role's rights (operations support); the audit log records who acted.
        return "admin" in self.roles or any(r in self.roles for r in roles)

    @property
    def oversees_all(self) -> bool:
        return self.has_role("supervisor")
