"""The person's own profile: who they are in the organisation, their language and their API
tokens (made, shown once, revoked)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin, MemberRequiredMixin

from . import token_actions
from .forms_profile import LanguageForm, NewTokenForm
from .languages import choose_language, municipality_language
from .models import ApiToken, Language, Membership, PersonPreference


def _language_form(request, data=None):
    current = (
        PersonPreference.objects.filter(user_id=request.user.pk)
        .values_list("language", flat=True)
        .first()
    )
    default = municipality_language()
    name = Language(default).label if default in Language.values else default
    return LanguageForm(data, initial={"language": current or ""}, municipality_language_name=name)


def _with_language_cookie(response, code):
    """The pages follow the language switch's cookie: set it to the choice, or drop it."""
    if not code:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
        )
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class ProfileView(MemberRequiredMixin, TemplateView):
    """GET shows the profile; POST saves the person's language."""

    template_name = "governance/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.setdefault("language_form", _language_form(self.request))
        context.setdefault("token_form", NewTokenForm())
        context["memberships"] = (
            Membership.objects.filter(user=user)
            .select_related("unit")
            .order_by("unit__name", "role")
        )
        context["tokens"] = ApiToken.objects.for_user(user)
        context["api_base"] = self.request.build_absolute_uri(reverse("api-me"))
        return context

    def post(self, request, *args, **kwargs):
        form = _language_form(request, request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(language_form=form))
        code = form.cleaned_data["language"]
        choose_language(request.user, code)
        language = code or municipality_language()
        with translation.override(language):
            messages.success(request, _("Your language is saved."))
        return _with_language_cookie(redirect("profile:page"), code)


class TokenCreateView(ActionRequiredMixin, ProfileView):
    """Makes a token and shows it on this answer only: it is never stored or shown again."""

    permission_action = "governance.manage_own_tokens"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = NewTokenForm(request.POST)
        if form.is_valid():
            try:
                token, secret = token_actions.create_token(
                    request.user, acting_user=request.user, **form.cleaned_data
                )
            except token_actions.TokenError as exc:
                form.add_error(exc.field, str(exc))
            else:
                context = self.get_context_data(new_token=token, secret=secret)
                response = self.render_to_response(context, status=201)
                response["Cache-Control"] = "no-store"
                return response
        return self.render_to_response(self.get_context_data(token_form=form), status=400)


class TokenRevokeView(ActionRequiredMixin, View):
    permission_action = "governance.manage_own_tokens"
    http_method_names = ["post"]
    model = ApiToken

    def get_permission_object(self):
        return get_object_or_404(ApiToken.objects.for_user(self.request.user), pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        token = self.get_permission_object()
        try:
            token_actions.revoke_token(token, acting_user=request.user)
        except token_actions.TokenError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
        return redirect("profile:page")
