"""Connect a channel to its platform account (account id and API token) and test the
connection. The token is write-only: it is stored encrypted and never shown again, only its
status."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from . import connect_actions, webhook_actions
from .models import ChannelConnection, WebhookStatus
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
        )
        return context

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
