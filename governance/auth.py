"""Login adapters: staff accounts are created by the organisation, never by self sign-up; failed
logins are counted per address and per account in the shared cache."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.conf import settings
from django.shortcuts import render

APP = "allauth.account"
logger = logging.getLogger(__name__)


class NoSignupAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        """Count a login attempt before the password is checked (a successful one is rolled
        back by allauth).

        allauth counts failures per address and per account name alone, so a flood of wrong
        passwords from one address locks the real user out wherever they sign in from. Here the
        strict account limit (`login_failed`, "key") counts the account *at this address*, and a
        looser limit over every address (`login_failed_account`) slows a flood against one
        account from many addresses. The limits are `ACCOUNT_RATE_LIMITS` in the settings; the
        counts live in the default cache, which must be shared by every process (see
        `core.checks`).
        """
        account = self._get_login_attempts_cache_key(request, **credentials)
        here = ratelimit.consume(
            request, app=APP, action="login_failed", key=self._at_address(request, account)
        )
        everywhere = here and ratelimit.consume(
            request, app=APP, action="login_failed_account", key=account
        )
        if not everywhere:
            if here:
                here.rollback()
            self._login_failed_rl_usage = None
            raise self.validation_error("too_many_login_attempts")
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(
            usage=[*here.usage, *everywhere.usage]
        )

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # A completed password reset forgives the failures counted against the account.
        account = self._get_login_attempts_cache_key(request, **credentials)
        key = self._at_address(request, account)
        ratelimit.clear(request, app=APP, action="login_failed", key=key)
        ratelimit.clear(request, app=APP, action="login_failed_account", key=account)

    @staticmethod
    def _at_address(request, account):
        return f"{account}@{ratelimit.get_ip(request)}"


class NoSignupSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Identity-provider logins attach to existing staff accounts by verified e-mail; new
    accounts only when the installation allows it for that provider (OIDC_AUTO_SIGNUP,
    SAML_AUTO_SIGNUP). A person the product does not know, and a superuser arriving through SAML,
    get a page that says why they were not signed in."""

    def is_open_for_signup(self, request, sociallogin):
        if sociallogin.provider.id == "saml":
            return settings.SAML_AUTO_SIGNUP
        return settings.OIDC_AUTO_SIGNUP

    def pre_social_login(self, request, sociallogin):
        # Called after the login library looked the person up (by their account at the provider,
        # then by verified e-mail), before anyone is signed in or created.
        super().pre_social_login(request, sociallogin)
        user = sociallogin.user
        known = sociallogin.is_existing
        if known and user.is_superuser and sociallogin.provider.id == "saml":
            # The identity provider's word never makes anyone a superuser, nor signs one in: a
            # superuser signs in here with their password.
            raise ImmediateHttpResponse(refusal(request, sociallogin, "superuser"))
        signing_in = sociallogin.state.get("process") != AuthProcess.CONNECT
        if signing_in and not known and not self.is_open_for_signup(request, sociallogin):
            raise ImmediateHttpResponse(refusal(request, sociallogin, "unknown"))


def refusal(request, sociallogin, reason):
    """The page that tells a person the identity provider knew them but the product did not
    sign them in, and what to do about it."""
    logger.warning(
        "Sign-in through %s refused (%s) for %s",
        sociallogin.provider.id,
        reason,
        sociallogin.account.uid,
    )
    context = {
        "provider_name": sociallogin.provider.name,
        "email": sociallogin.user.email if sociallogin.user else "",
        "reason": reason,
    }
    return render(request, "socialaccount/refused.html", context, status=403)
