"""Who is calling: a bearer token (integrations, scripts) or a signed-in session."""
from __future__ import annotations

from flask import g, request

from app.auth import tokens
from app.auth.principal import Principal
from app.extensions import csrf
from app.web import session_principal


def current_principal() -> Principal | None:
    if "principal" in g:
        return g.principal  # type: ignore[no-any-return]
    principal = None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        principal = tokens.resolve(token.strip()[:256])
    if principal is None and not header:
        principal = session_principal()
        g.principal_via_session = principal is not None
        if principal is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()  # a signed-in browser calling the API must send X-CSRFToken
    g.principal = principal
    return principal


def via_session() -> bool:
    """Whether the request's principal is a signed-in browser's (no credential was sent with it)."""
    return bool(g.get("principal_via_session"))
