"""Connect a channel to its platform account and test the connection: through the platform's
own sign-in (OAuth: start, the provider's callback, the person's pick of the account), or, for a
system administrator only, with a pasted account id and token. Tokens are write-only: stored
encrypted and never shown again, only their status."""

import dataclasses
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from core import csp
from core.permissions import can
from core.permissions.views import MemberRequiredMixin
from platforms.oauth import AuthorizationError

from . import connect_actions, oauth, webhook_actions
from .models import Channel, ChannelConnection, ConnectedVia, WebhookStatus
from .rules import may_connect
from .views import ChannelObjectMixin


class ConnectForm(forms.Form):
    account_id = forms.CharField(
        label=_("Account id on the platform"),
        max_length=200,
        help_text=_(
            "The page, profile, organisation or channel id the platform uses, "
            "e.g. the number in the Facebook page's settings."
        ),
        widget=forms.TextInput(attrs={"class": "form-input", "autocomplete": "off"}),
    )
    token = forms.CharField(
        label=_("API access token"),
        max_length=4000,
        strip=True,
        help_text=_("Stored encrypted. It is never shown again; enter a new one to replace it."),
        widget=forms.PasswordInput(
            attrs={"class": "form-input", "autocomplete": "new-password"}, render_value=False
        ),
    )
    polling_enabled = forms.BooleanField(
        label=_("Fetch new comments and messages from this channel"),
        required=False,
        initial=True,
    )

    def clean_account_id(self):
        value = self.cleaned_data["account_id"].strip()
        if any(ch.isspace() for ch in value):
            raise forms.ValidationError(_("An account id has no spaces."))
        return value


class ChannelConnectView(ChannelObjectMixin, FormView):
    permission_action = "channels.connect"
    template_name = "accounts/channel_connect.html"
    form_class = ConnectForm

    def get_initial(self):
        connection = self.connection()
        if connection is None:
            return {"polling_enabled": True}
        return {"account_id": connection.account_id, "polling_enabled": connection.polling_enabled}

    def connection(self):
        try:
            return self.channel.connection
        except ChannelConnection.DoesNotExist:
            return None

    def may_paste(self):
        return connect_actions.may_paste_token(self.request.user, self.channel)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        connection = self.connection()
        context.update(
            channel=self.channel,
            connection=connection,
            may_connect=may_connect(self.channel),
            uses_webhooks=webhook_actions.uses_webhooks(self.channel),
            webhooks=webhook_actions.subscription_of(connection),
            user_may_connect=True,
            may_paste=self.may_paste(),
            sign_in=oauth.availability(self.channel.platform, self.request),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_paste():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        sign_in = context["sign_in"]
        if sign_in.available:
            # "Connect with …" posts here and is redirected to the provider's consent page:
            # browsers check form-action on that redirect too.
            host = urlsplit(sign_in.app.authorize_host)
            targets = " ".join(["'self'", *csp.form_targets(), f"{host.scheme}://{host.netloc}"])
            response.headers[csp.HEADER] = csp.build(form_action=targets)
        return response

    def form_valid(self, form):
        connect_actions.connect_channel(
            self.channel,
            account_id=form.cleaned_data["account_id"],
            token=form.cleaned_data["token"],
            polling_enabled=form.cleaned_data["polling_enabled"],
            acting_user=self.request.user,
        )
        messages.success(
            self.request,
            _("The connection is saved. Test it to check that the platform accepts the token."),
        )
        return HttpResponseRedirect(reverse("accounts:channel-connect", args=[self.channel.pk]))


class ChannelTestConnectionView(ChannelObjectMixin, View):
    permission_action = "channels.connect"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        back = HttpResponseRedirect(reverse("accounts:channel-connect", args=[self.channel.pk]))
        if not ChannelConnection.objects.filter(channel=self.channel).exists():
            messages.error(request, _("Connect the channel before testing the connection."))
            return back
        ok, detail = connect_actions.test_connection(self.channel, acting_user=request.user)
        if ok:
            messages.success(
                request,
                _("The platform accepted the token (account: {name}).").format(name=detail),
            )
        else:
            messages.error(
                request,
                _("The connection test failed: {reason}").format(reason=detail),
            )
        return back


def _connect_page(channel):
    return HttpResponseRedirect(reverse("accounts:channel-connect", args=[channel.pk]))


class ChannelOAuthStartView(ChannelObjectMixin, View):
    """Send the person to the platform's consent page, remembering the one-time state."""

    permission_action = "channels.connect"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        sign_in = oauth.availability(self.channel.platform, request)
        if not sign_in.available:
            messages.error(request, sign_in.reason)
            return _connect_page(self.channel)
        return HttpResponseRedirect(oauth.start(request.session, self.channel, sign_in.app))


class ChannelOAuthCallbackView(MemberRequiredMixin, View):
    """Where the platform sends the person back: check the state, trade the code for tokens,
    list the accounts they reach and let the person pick one. A refusal changes nothing."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        started = oauth.take_started(request.session, request.GET.get("state", ""))
        if started is None:
            messages.error(request, _NOT_STARTED_HERE)
            return HttpResponseRedirect(reverse("accounts:channel-list"))
        channel = get_object_or_404(Channel.objects.for_user(request.user), pk=started["channel"])
        if not can(request.user, "channels.connect", channel):
            raise PermissionDenied
        name = channel.get_platform_display()
        if request.GET.get("error") or not request.GET.get("code"):
            messages.error(request, _CANCELLED.format(platform=name))
            return _connect_page(channel)
        sign_in = oauth.availability(channel.platform, request)
        if not sign_in.available:
            messages.error(request, sign_in.reason)
            return _connect_page(channel)
        flow = oauth.provider(channel.platform)
        # The token endpoint checks the very address the consent page was asked with.
        app = dataclasses.replace(sign_in.app, redirect_uri=started["redirect_uri"])
        try:
            tokens = flow.exchange_code(app, request.GET["code"], code_verifier=started["verifier"])
            choices = flow.accounts(app, tokens)
        except AuthorizationError as exc:
            messages.error(request, _EXCHANGE_FAILED.format(platform=name, reason=exc.message))
            return _connect_page(channel)
        if not choices:
            messages.error(request, _NO_ACCOUNTS.format(platform=name))
            return _connect_page(channel)
        oauth.keep_choices(request.session, channel, tokens, choices)
        return HttpResponseRedirect(reverse("accounts:channel-oauth-pick", args=[channel.pk]))


class ChannelOAuthPickView(ChannelObjectMixin, View):
    """The person picks the page, organisation, user or channel to connect."""

    permission_action = "channels.connect"
    template_name = "accounts/channel_connect_pick.html"

    def get(self, request, *args, **kwargs):
        entry = oauth.choices_for(request.session, self.channel)
        if entry is None:
            messages.error(request, _NOTHING_TO_PICK)
            return _connect_page(self.channel)
        context = {"channel": self.channel, "accounts": entry["accounts"], "error": ""}
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        entry = oauth.choices_for(request.session, self.channel)
        if entry is None:
            messages.error(request, _NOTHING_TO_PICK)
            return _connect_page(self.channel)
        values = oauth.picked(entry, request.POST.get("account", ""), self.channel.platform)
        if values is None:
            context = {"channel": self.channel, "accounts": entry["accounts"], "error": _PICK_ONE}
            return render(request, self.template_name, context, status=400)
        try:
            connect_actions.connect_channel(
                self.channel, via=ConnectedVia.OAUTH, acting_user=request.user, **values
            )
        except connect_actions.ConnectionNotAllowed:
            messages.error(request, _NOT_CONNECTABLE)
            return _connect_page(self.channel)
        oauth.drop_choices(request.session, self.channel)
        messages.success(request, _CONNECTED.format(platform=self.channel.get_platform_display()))
        return _connect_page(self.channel)


_NOT_STARTED_HERE = _(
    "This sign-in does not belong to a connection started here, or it took too long. Nothing "
    "was changed: start the connection again from the channel's page."
)
_CANCELLED = _("The sign-in with {platform} was cancelled or refused. Nothing was changed.")
_EXCHANGE_FAILED = _(
    "{platform} did not give access to the channel ({reason}). Nothing was changed: try again."
)
_NO_ACCOUNTS = _(
    "The sign-in with {platform} reaches no account that can be connected. Sign in as a person "
    "who administers the channel on {platform}, and allow every permission asked for."
)
_NOTHING_TO_PICK = _("There is no sign-in waiting for a choice: start the connection again.")
_PICK_ONE = _("Pick one of the accounts.")
_NOT_CONNECTABLE = _("This channel cannot be connected in its present state.")
_CONNECTED = _(
    "The channel is connected through {platform}. New comments are fetched from the next poll."
)


class ChannelSubscribeWebhooksView(ChannelObjectMixin, View):
    """ "Subscribe again": switch the channel's webhooks on now and show the outcome."""

    permission_action = "channels.connect"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            subscription = webhook_actions.subscribe_webhooks(
                self.channel, acting_user=request.user
            )
        except webhook_actions.WebhookActionError as error:
            messages.error(request, str(error))
            return _back_to_connect(self.channel)
        if subscription.status != WebhookStatus.ACTIVE:
            messages.error(
                request,
                _("The webhooks could not be switched on: {reason}").format(
                    reason=subscription.get_problem_display()
                ),
            )
        elif subscription.missing_fields:
            messages.warning(request, subscription.get_problem_display())
        else:
            messages.success(request, _("The webhooks are switched on."))
        return _back_to_connect(self.channel)


class ChannelDisconnectView(ChannelObjectMixin, View):
    """Remove the stored token, stop polling and switch the webhooks off."""

    permission_action = "channels.connect"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            _connection, error = webhook_actions.disconnect_channel(
                self.channel, acting_user=request.user
            )
        except webhook_actions.WebhookActionError as refusal:
            messages.error(request, str(refusal))
            return _back_to_connect(self.channel)
        messages.success(request, _("The channel is disconnected and its token removed."))
        if error is not None:
            messages.warning(
                request,
                _(
                    "The app could not be removed from the page ({reason}); remove it in the "
                    "page's settings on the platform."
                ).format(reason=error.message),
            )
        return _back_to_connect(self.channel)


def _back_to_connect(channel):
    return HttpResponseRedirect(reverse("accounts:channel-connect", args=[channel.pk]))
