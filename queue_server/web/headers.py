"""Security headers on every response (pages, API, static files, errors).

The Content-Security-Policy allows only this server's own scripts, styles, images, fonts and
media; no inline script at all (page data travels in ``<script type="application/json">``
blocks, which are not run). The one inline ``<style>`` (the display's generated @font-face)
carries a per-response nonce from :func:`csp_nonce`. No page may be framed (frame-ancestors
'none'): the display and the evaluator run as whole browser windows, never inside another page.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, g

from .context import hall

bp = Blueprint("headers", __name__)

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "media-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp_nonce() -> str:
    """A nonce for an inline <style> of this response (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy_text(nonce: str | None = None) -> str:
    policy = dict(POLICY)
    if nonce:
        policy["style-src"] += f" 'nonce-{nonce}'"
    return "; ".join(f"{k} {v}" for k, v in policy.items())


PLAIN_POLICY = _policy_text()
"""The policy of every answer without an inline <style> (the API's): made once, not per answer."""


def content_security_policy() -> str:
    if g and "csp_nonce" in g:
        return _policy_text(g.csp_nonce)
    return PLAIN_POLICY


@bp.app_context_processor
def _nonce():
    return {"csp_nonce": csp_nonce}


def security_headers(https: bool, csp: str | None = None) -> dict[str, str]:
    """The headers every answer carries; also for answers made outside Flask (the ASGI event
    stream and its 503s can add ``security_headers(settings.server.https)``)."""
    out = {
        "Content-Security-Policy": csp or content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",  # ticket status URLs carry the ticket id
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        out["Strict-Transport-Security"] = "max-age=31536000"
    return out


_PLAIN = {https: tuple(security_headers(https, PLAIN_POLICY).items()) for https in (False, True)}


@bp.after_app_request
def _security_headers(response):
    h = response.headers
    if g and "csp_nonce" in g:
        h.update(security_headers(hall().settings.server.https))
    else:
        h.extend(_PLAIN[hall().settings.server.https])  # a fresh answer holds none of them yet
    if g.get("session_token") and "Cache-Control" not in h:
        h["Cache-Control"] = "no-store"  # staff answers may hold personal data: keep no copies
    return response
