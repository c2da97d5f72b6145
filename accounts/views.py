"""The channel registry pages: the record, the request and closing workflows, compliance.

Views stay thin: they look objects up through `for_user` (so out-of-scope objects give 404),
ask the permission module, and call `accounts.actions`.
"""

from django.contrib import messages
from django.db.models import Count, Min, Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from audit.models import AuditEntry
from governance.permissions import can
from governance.permissions.views import ActionRequiredMixin

from . import actions, answer_times
from .answer_times import attach_answer_times, failing
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

CHANNEL_RELATED = (
    "owner_unit",
    "owner_unit__centre",
    "responsible",
    "deputy",
    "approved_by",
    "branding_verified_by",
    "connection",
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
            channel.open_flags += 1 if failing(channel) else 0
        context.update(
            channels=channels,
            object_list=channels,
            statuses=ChannelStatus.choices,
            platforms=Platform.choices,
            current_status=self.request.GET.get("status", ""),
            current_platform=self.request.GET.get("platform", ""),
            may_request=can(self.request.user, "channels.request"),
            may_see_compliance=can(self.request.user, "channels.compliance"),
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
        flags = list(ChannelFlag.objects.open().filter(channel=channel))
        attach_answer_times([channel])
        if failing(channel):
            flags.append(channel.answer_times.as_flag(channel))
        context.update(
            connection=getattr(channel, "connection", None),
            admins=channel.admins.select_related("user"),
            events=AuditEntry.objects.history_of(channel).select_related("actor")[:100],
            flags=flags,
            answer_times=channel.answer_times,
            channel_request=channel_request.first(),
            closing_requests=channel.closing_requests.select_related("requested_by", "decided_by"),
            may_manage=can(user, "channels.manage", channel),
            may_look_after=can(user, "channels.look_after", channel),
            may_decide_closing=can(user, "channels.decide_closing"),
            may_connect=may_connect(channel),
            user_may_connect=can(user, "channels.connect", channel),
            admin_form=AdminAddForm(channel=channel),
            snapshots=list(channel.snapshots.order_by("-date")[:7]),
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

SORTS = {
    "name": ("name", "id"),
    "centre": ("owner_unit__centre__name", "name", "id"),
    "missing": ("-missing", "name", "id"),
    "oldest": ("oldest", "name", "id"),
}


LIVE_SORTS = {
    "missing": lambda channel: (-channel.missing, channel.name, channel.pk),
    # Pages missing nothing last.
    "oldest": lambda channel: (
        channel.oldest is None,
        channel.oldest or channel.created_at,
        channel.name,
        channel.pk,
    ),
}


class ComplianceView(ActionRequiredMixin, TemplateView):
    """What every channel in scope is missing and since when, per channel and per centre."""

    permission_action = "channels.compliance"
    template_name = "accounts/compliance.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        open_flags = Q(flags__resolved_at__isnull=True)
        kind = self.request.GET.get("kind", "")
        channels = (
            Channel.objects.for_user(user)
            .filter(status__in=actions.SWEPT_STATUSES)
            .select_related("owner_unit", "owner_unit__centre", "responsible")
            .annotate(
                missing=Count("flags", filter=open_flags),
                oldest=Min("flags__since", filter=open_flags),
            )
            .prefetch_related(
                Prefetch(
                    "flags",
                    queryset=ChannelFlag.objects.open().order_by("since"),
                    to_attr="open_flags",
                )
            )
        )
        if kind in FlagKind.values and kind != FlagKind.ANSWER_TIMES:
            channels = channels.filter(flags__kind=kind, flags__resolved_at__isnull=True)
        sort = self.request.GET.get("sort", "missing")
        if sort not in SORTS:
            sort = "missing"
        channels = attach_answer_times(list(channels.order_by(*SORTS[sort])))
        for channel in channels:
            if failing(channel):
                flag = channel.answer_times.as_flag(channel)
                channel.open_flags = sorted([*channel.open_flags, flag], key=lambda f: f.since)
                channel.missing += 1
                channel.oldest = min(filter(None, [channel.oldest, flag.since]))
        if kind == FlagKind.ANSWER_TIMES:
            channels = [channel for channel in channels if failing(channel)]
        if sort in LIVE_SORTS:
            # The live check changes counts and dates the database sorted by.
            channels.sort(key=LIVE_SORTS[sort])
        centres = {}
        for channel in channels:
            centre = channel.owner_unit.centre
            key = centre.pk if centre else None
            row = centres.setdefault(
                key,
                {
                    "name": centre.name if centre else _("Central"),
                    "channels": 0,
                    "flagged": 0,
                    "missing": 0,
                    "by_kind": dict.fromkeys(FlagKind.values, 0),
                },
            )
            row["channels"] += 1
            row["flagged"] += 1 if channel.missing else 0
            row["missing"] += channel.missing
            for flag in channel.open_flags:
                row["by_kind"][flag.kind] += 1
        return super().get_context_data(
            channels=channels,
            centres=sorted(centres.values(), key=lambda row: (-row["missing"], str(row["name"]))),
            kinds=FlagKind.choices,
            answer_window_days=answer_times.window_days(),
            answer_target_percent=answer_times.target_percent(),
            current_kind=kind,
            current_sort=sort,
            **kwargs,
        )
