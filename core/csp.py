"""Content-Security-Policy on every response: scripts, styles, fonts and pictures come from our
own origin only, so an injected `<script>`, inline handler or `javascript:` link never runs.

Django 5.2 has no CSP of its own and the policy is one fixed string, so a few lines here do
what a package would. A view with other needs (the API docs' Swagger UI) sets its own header
with `content_security_policy(...)`; the middleware leaves such a header alone.
"""

from functools import wraps

from django.conf import settings

HEADER = "Content-Security-Policy"


def build(**overrides):
    """The policy as a header value; `overrides` replace whole directives (underscores for
    dashes)."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # Pictures are our own, or small icons written as data: URLs by the design system.
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": " ".join(["'self'", *form_targets()]),
    }
    directives.update({name.replace("_", "-"): value for name, value in overrides.items()})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def form_targets():
    """Where a form may lead besides our own pages: the identity provider the OIDC or SAML login
    redirects to (browsers check form-action on the redirect after a POST too). A SAML provider
    read from its metadata signs people in on the metadata's host, as Entra ID and ADFS do."""
    targets = []
    for provider in getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).values():
        for app in provider.get("APPS", []):
            app_settings = app.get("settings", {})
            idp = app_settings.get("idp", {})
            for url in (
                app_settings.get("server_url", ""),
                idp.get("sso_url") or idp.get("metadata_url") or "",
            ):
                if url.startswith("https://"):
                    origin = "https://" + url.removeprefix("https://").split("/")[0]
                    if origin not in targets:
                        targets.append(origin)
    return targets


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build()

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response.headers:
            response.headers[HEADER] = self.policy
        return response


def content_security_policy(**overrides):
    """Decorate a view whose page needs a different policy (see `build`)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.headers[HEADER] = build(**overrides)
            return response

        return wrapped

    return decorate
