"""The channel registry pages: the record, the request and closing workflows, compliance.

Views stay thin: they look objects up through `for_user` (so out-of-scope objects give 404),
ask the permission module, and call `accounts.actions`.
"""

import math

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from audit import labels as audit_labels
from audit.models import AuditEntry
from core.permissions import can
from core.permissions.views import ActionRequiredMixin

from . import actions, answer_times
from .answer_times import attach_answer_times
from .api_versions import notices_for
from .compliance import SORTS, centre_totals, compliance_channels, live_flags
from .forms import (
    AdminAddForm,
    ChannelEditForm,
    ChannelRequestForm,
    ClosingRequestForm,
    CommentForm,
    DecisionForm,
)
from .models import (
    Channel,
    ChannelClosingRequest,
    ChannelFlag,
    ChannelRequest,
    ChannelStatus,
    Decision,
    FlagKind,
    Platform,
)
from .rules import may_connect
from .webhook_actions import subscription_of, uses_webhooks

CHANNEL_RELATED = (
    "owner_unit",
    "owner_unit__centre",
    "responsible",
    "deputy",
    "approved_by",
    "branding_verified_by",
    "connection",
    "connection__webhook_subscription",
)


class ChannelListView(ActionRequiredMixin, ListView):
    permission_action = "channels.view"
    template_name = "accounts/channel_list.html"
    context_object_name = "channels"
    paginate_by = 50

    def get_queryset(self):
        channels = (
            Channel.objects.for_user(self.request.user)
            .select_related("owner_unit", "owner_unit__centre", "responsible", "connection")
            .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
            .order_by("platform", "name", "id")
        )
        status = self.request.GET.get("status", "")
        if status in ChannelStatus.values:
            channels = channels.filter(status=status)
        elif status != "all":
            # Closed pages stay in the archive; ask for them with status=closed or all.
            channels = channels.exclude(status=ChannelStatus.CLOSED)
        platform = self.request.GET.get("platform", "")
        if platform in Platform.values:
            channels = channels.filter(platform=platform)
        return channels

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channels = attach_answer_times(list(context["object_list"]))
        for channel in channels:
            # The stored flags are counted in SQL; the live answer-time check comes on top.
            channel.open_flags += len(live_flags(channel))
        context.update(
            channels=channels,
            object_list=channels,
            statuses=ChannelStatus.choices,
            platforms=Platform.choices,
            current_status=self.request.GET.get("status", ""),
            current_platform=self.request.GET.get("platform", ""),
            may_request=can(self.request.user, "channels.request"),
            may_see_compliance=can(self.request.user, "channels.compliance"),
            api_versions={"notices": notices_for(self.request.user)},
        )
        return context


class ChannelObjectMixin(ActionRequiredMixin):
    """Looks the channel up within the user's scope, then asks `permission_action` on it."""

    def get_permission_object(self):
        self.channel = get_object_or_404(
            Channel.objects.for_user(self.request.user).select_related(*CHANNEL_RELATED),
            pk=self.kwargs["pk"],
        )
        return self.channel

    def back(self):
        return HttpResponseRedirect(self.channel.get_absolute_url())


def polling_quota(channel):
    """The shared YouTube quota day and the poll interval it allows, for a connected YouTube
    channel's page; None for other channels."""
    if channel.platform != "youtube" or getattr(channel, "connection", None) is None:
        return None
    from moderation.polling.quota import youtube_budget

    budget = youtube_budget()
    seconds = math.ceil(budget.interval.total_seconds())
    return {
        "budget": budget,
        "interval_seconds": seconds if seconds < 120 else None,
        "interval_minutes": math.ceil(seconds / 60),
    }


class ChannelDetailView(ChannelObjectMixin, DetailView):
    permission_action = "channels.view"
    template_name = "accounts/channel_detail.html"
    context_object_name = "channel"

    def get_object(self, queryset=None):
        return self.channel

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channel, user = self.channel, self.request.user
        channel_request = ChannelRequest.objects.filter(channel=channel).select_related(
            "requester", "decided_by", "department"
        )
        attach_answer_times([channel])
        flags = [*ChannelFlag.objects.open().filter(channel=channel), *live_flags(channel)]
        context.update(
            connection=getattr(channel, "connection", None),
            admins=channel.admins.select_related("user"),
            events=audit_labels.prepare(
                AuditEntry.objects.history_of(channel).select_related("actor")[:100]
            ),
            flags=flags,
            answer_times=channel.answer_times,
            channel_request=channel_request.first(),
            closing_requests=channel.closing_requests.select_related("requested_by", "decided_by"),
            may_manage=can(user, "channels.manage", channel),
            may_look_after=can(user, "channels.look_after", channel),
            may_decide_closing=can(user, "channels.decide_closing"),
            may_connect=may_connect(channel),
            user_may_connect=can(user, "channels.connect", channel),
            uses_webhooks=uses_webhooks(channel),
            webhooks=subscription_of(getattr(channel, "connection", None)),
            admin_form=AdminAddForm(channel=channel),
            snapshots=list(channel.snapshots.order_by("-date")[:7]),
            quota=polling_quota(channel),
        )
        return context


class ChannelEditView(ChannelObjectMixin, FormView):
    permission_action = "channels.manage"
    template_name = "accounts/channel_edit.html"
    form_class = ChannelEditForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # The form edits a copy; the action compares and saves.
        kwargs["instance"] = Channel.objects.select_related("owner_unit").get(pk=self.channel.pk)
        return kwargs

    def form_valid(self, form):
        try:
            actions.update_channel(self.channel, acting_user=self.request.user, **form.cleaned_data)
        except actions.WorkflowError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The record is saved."))
        return self.back()

    def get_context_data(self, **kwargs):
        return super().get_context_data(channel=self.channel, **kwargs)


class _ChannelPostView(ChannelObjectMixin, View):
    """A button on the channel page: POST only, then back to the channel."""

    http_method_names = ["post"]
    done_message = ""

    def perform(self, comment):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            self.perform(comment)
        except actions.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.done_message)
        return self.back()


class ChannelVerifyBrandingView(_ChannelPostView):
    permission_action = "channels.manage"
    done_message = _("Sender branding is recorded as verified.")

    def perform(self, comment):
        actions.verify_branding(self.channel, acting_user=self.request.user, comment=comment)


class ChannelReviewView(_ChannelPostView):
    permission_action = "channels.look_after"
    done_message = _("Thank you: the annual review is recorded.")

    def perform(self, comment):
        actions.confirm_review(self.channel, acting_user=self.request.user, comment=comment)


class ChannelActivateView(_ChannelPostView):
    permission_action = "channels.manage"
    done_message = _("The page is active and listed in the public register.")

    def perform(self, comment):
        actions.activate_channel(self.channel, acting_user=self.request.user, comment=comment)


class ChannelArchiveView(_ChannelPostView):
    permission_action = "channels.manage"
    done_message = _("The page is closed and archived with its history.")

    def perform(self, comment):
        actions.close_channel(self.channel, acting_user=self.request.user, comment=comment)


class ChannelAdminAddView(ChannelObjectMixin, View):
    permission_action = "channels.look_after"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AdminAddForm(request.POST, channel=self.channel)
        if not form.is_valid():
            for name, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{form.fields[name].label}: {error}")
            return self.back()
        try:
            actions.add_admin(self.channel, acting_user=request.user, **form.cleaned_data)
        except actions.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Admin access is recorded."))
        return self.back()


class ChannelAdminRemoveView(ChannelObjectMixin, View):
    permission_action = "channels.look_after"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        admin = get_object_or_404(self.channel.admins, pk=self.kwargs["admin_pk"])
        actions.remove_admin(admin, acting_user=request.user)
        messages.success(request, _("Admin access is removed from the record."))
        return self.back()


class ChannelRequestClosingView(ChannelObjectMixin, FormView):
    permission_action = "channels.look_after"
    template_name = "accounts/closing_form.html"
    form_class = ClosingRequestForm

    def form_valid(self, form):
        try:
            actions.request_closing(
                self.channel, acting_user=self.request.user, **form.cleaned_data
            )
        except actions.WorkflowError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Closing is requested; the centre manager decides."))
        return self.back()

    def get_context_data(self, **kwargs):
        return super().get_context_data(channel=self.channel, **kwargs)


class ClosingDecideView(ActionRequiredMixin, View):
    permission_action = "channels.decide_closing"
    http_method_names = ["post"]

    def get_permission_object(self):
        self.closing = get_object_or_404(
            ChannelClosingRequest.objects.filter(
                channel__in=Channel.objects.for_user(self.request.user)
            ).select_related("channel", "channel__owner_unit"),
            pk=self.kwargs["pk"],
        )
        return self.closing

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        back = HttpResponseRedirect(self.closing.channel.get_absolute_url())
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return back
        decide = (
            actions.approve_closing
            if form.cleaned_data["decision"] == DecisionForm.APPROVE
            else actions.reject_closing
        )
        try:
            decide(self.closing, acting_user=request.user, comment=form.cleaned_data["comment"])
        except actions.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your decision on closing is recorded."))
        return back


# --- Requests for new pages --------------------------------------------------------------------


class RequestCreateView(ActionRequiredMixin, FormView):
    permission_action = "channels.request"
    template_name = "accounts/request_form.html"
    form_class = ChannelRequestForm

    def form_valid(self, form):
        try:
            channel_request = actions.request_channel(
                acting_user=self.request.user, **form.cleaned_data
            )
        except actions.WorkflowError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your request is sent; the centre manager will decide on it.")
        )
        return HttpResponseRedirect(channel_request.get_absolute_url())


class RequestListView(ActionRequiredMixin, ListView):
    permission_action = "channels.view_request"
    template_name = "accounts/request_list.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        requests = ChannelRequest.objects.for_user(self.request.user).select_related(
            "channel", "requester", "department", "decided_by"
        )
        decision = self.request.GET.get("decision", "")
        if decision in Decision.values:
            requests = requests.filter(decision=decision)
        return requests.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            decisions=Decision.choices,
            current_decision=self.request.GET.get("decision", ""),
            may_request=can(self.request.user, "channels.request"),
            **kwargs,
        )


class RequestObjectMixin(ActionRequiredMixin):
    def get_permission_object(self):
        self.channel_request = get_object_or_404(
            ChannelRequest.objects.for_user(self.request.user).select_related(
                "channel",
                "channel__responsible",
                "channel__deputy",
                "requester",
                "department",
                "decided_by",
            ),
            pk=self.kwargs["pk"],
        )
        return self.channel_request


class RequestDetailView(RequestObjectMixin, TemplateView):
    permission_action = "channels.view_request"
    template_name = "accounts/request_detail.html"

    def get_context_data(self, **kwargs):
        channel_request = self.channel_request
        return super().get_context_data(
            channel_request=channel_request,
            channel=channel_request.channel,
            may_decide=channel_request.is_pending
            and can(self.request.user, "channels.decide_request", channel_request),
            own_request=channel_request.requester_id == self.request.user.pk,
            form=DecisionForm(),
            **kwargs,
        )


class RequestDecideView(RequestObjectMixin, FormView):
    permission_action = "channels.decide_request"
    template_name = "accounts/request_detail.html"
    form_class = DecisionForm
    http_method_names = ["post"]

    def form_valid(self, form):
        decide = (
            actions.approve_request
            if form.cleaned_data["decision"] == DecisionForm.APPROVE
            else actions.reject_request
        )
        try:
            decide(
                self.channel_request,
                acting_user=self.request.user,
                comment=form.cleaned_data["comment"],
            )
        except actions.WorkflowError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Your decision is recorded and sent."))
        return HttpResponseRedirect(self.channel_request.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            channel_request=self.channel_request,
            channel=self.channel_request.channel,
            may_decide=True,
            **kwargs,
        )


# --- Compliance ---------------------------------------------------------------------------------


class ComplianceView(ActionRequiredMixin, TemplateView):
    """What every channel in scope is missing and since when, per channel and per centre."""

    permission_action = "channels.compliance"
    template_name = "accounts/compliance.html"

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind", "")
        sort = self.request.GET.get("sort", "missing")
        if sort not in SORTS:
            sort = "missing"
        channels = compliance_channels(self.request.user, kind=kind, sort=sort)
        return super().get_context_data(
            channels=channels,
            centres=centre_totals(channels),
            kinds=FlagKind.choices,
            answer_window_days=answer_times.window_days(),
            answer_target_percent=answer_times.target_percent(),
            current_kind=kind,
            current_sort=sort,
            api_versions={"notices": notices_for(self.request.user)},
            **kwargs,
        )
