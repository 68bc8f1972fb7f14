"""Web defences: security headers (Flask-Talisman), sign-in throttling (Flask-Limiter), proxies."""
from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import limiter

# No inline script anywhere: page scripts are static files, page data travels in
# <script type="application/json"> blocks. bpmn-js positions its overlays with style attributes,
# hence 'unsafe-inline' for styles only; its icon font is embedded as a data: URL.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_security(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        # Behind a reverse proxy the client's address (used by throttling and the audit trail) is in X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    force_https = bool(app.config.get("FORCE_HTTPS"))
    Talisman(app, force_https=force_https, strict_transport_security=force_https,
             content_security_policy=CSP, frame_options="DENY", referrer_policy="strict-origin-when-cross-origin",
             session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")), session_cookie_http_only=True,
             session_cookie_samesite="Lax", x_content_type_options=True,
             permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"})
    limiter.init_app(app)
