"""Login adapters: staff accounts are created by the organisation, never by self sign-up."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings


class NoSignupAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False


class NoSignupSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Identity-provider logins attach to existing staff accounts by verified e-mail; new
    accounts only when the installation allows it (OIDC_AUTO_SIGNUP)."""

    def is_open_for_signup(self, request, sociallogin):
        return settings.SOCIALACCOUNT_AUTO_SIGNUP
