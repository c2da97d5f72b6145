"""The strategy pages: channel purposes, goals, the yearly plan with its annual wheel, and the
reports (each as a chart, a table and CSV, plus a printable report for the council)."""

from datetime import date, timedelta

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from accounts.models import Channel
from core import csv_export
from core.permissions import can
from core.permissions.views import ActionRequiredMixin

from . import actions, ical, metrics
from .charts import (
    answer_time_charts,
    goal_chart,
    group_trend_chart,
    removals_chart,
    volume_charts,
)
from .forms import ChannelStrategyForm, GoalForm, PlanItemForm, ReportFilterForm, YearThemeForm
from .models import ChannelStrategy, Goal, PlanItem, YearTheme
from .wheel import build_wheel


def goals_with_channels():
    return Goal.objects.prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("platform", "name"))
    )


class OverviewView(ActionRequiredMixin, TemplateView):
    permission_action = "strategy.view"
    template_name = "strategy/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        channels = list(
            Channel.objects.for_user(user)
            .select_related("strategy", "owner_unit")
            .order_by("platform", "name", "pk")
        )
        for channel in channels:
            channel.strategy_or_none = getattr(channel, "strategy", None)
            channel.may_edit = can(user, "strategy.edit_channel", channel)
        return super().get_context_data(
            channels=channels,
            progress=metrics.goal_progress(goals_with_channels()),
            may_manage=can(user, "strategy.manage"),
            **kwargs,
        )


class GoalDetailView(ActionRequiredMixin, TemplateView):
    permission_action = "strategy.view"
    template_name = "strategy/goal_detail.html"

    def get_context_data(self, **kwargs):
        goal = get_object_or_404(goals_with_channels(), pk=self.kwargs["pk"])
        [progress] = metrics.goal_progress([goal])
        return super().get_context_data(
            goal=goal,
            progress=progress,
            chart=goal_chart(progress),
            may_manage=can(self.request.user, "strategy.manage"),
            **kwargs,
        )


class _SaveFormView(ActionRequiredMixin, FormView):
    """Create or change one object through its action, then go back to a page."""

    permission_action = "strategy.manage"
    template_name = "strategy/form.html"
    model = None
    action = None
    heading = ""
    success_name = "strategy:overview"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_object()
        return kwargs

    def form_valid(self, form):
        saved = type(self).action(form, acting_user=self.request.user)
        self.saved = saved
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse(self.success_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


class GoalCreateView(_SaveFormView):
    form_class = GoalForm
    model = Goal
    action = actions.save_goal
    heading = gettext_lazy("New goal")

    def get_success_url(self):
        return self.saved.get_absolute_url()


class GoalUpdateView(GoalCreateView):
    heading = gettext_lazy("Change goal")


class ThemeCreateView(_SaveFormView):
    form_class = YearThemeForm
    model = YearTheme
    action = actions.save_theme
    heading = gettext_lazy("New theme of the year")
    success_name = "strategy:plan"


class ThemeUpdateView(ThemeCreateView):
    heading = gettext_lazy("Change theme of the year")


class PlanItemCreateView(_SaveFormView):
    form_class = PlanItemForm
    model = PlanItem
    action = actions.save_plan_item
    heading = gettext_lazy("New activity in the plan")
    success_name = "strategy:plan"


class PlanItemUpdateView(PlanItemCreateView):
    heading = gettext_lazy("Change activity in the plan")


class ChannelStrategyEditView(_SaveFormView):
    permission_action = "strategy.edit_channel"
    form_class = ChannelStrategyForm
    action = actions.save_channel_strategy

    def get_permission_object(self):
        # Channels outside the user's scope give 404, never a hint that they exist.
        self.channel = get_object_or_404(
            Channel.objects.for_user(self.request.user), pk=self.kwargs["pk"]
        )
        return self.channel

    def get_object(self):
        return ChannelStrategy.objects.filter(channel=self.channel).first() or ChannelStrategy(
            channel=self.channel
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(channel=self.channel, **kwargs)

    @property
    def heading(self):
        return _("Purposes of %(channel)s") % {"channel": self.channel}


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def plan_for_year(year):
    start, end = date(year, 1, 1), date(year, 12, 31)
    themes = list(YearTheme.objects.filter(start_date__lte=end, end_date__gte=start))
    items = list(
        PlanItem.objects.filter(start_date__lte=end, end_date__gte=start)
        .select_related("theme", "owner")
        .prefetch_related(
            Prefetch("channels", queryset=Channel.objects.order_by("platform", "name"))
        )
    )
    return themes, items


class PlanView(ActionRequiredMixin, TemplateView):
    permission_action = "strategy.view"
    template_name = "strategy/plan.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        themes, items = plan_for_year(year)
        channels = sorted(
            {channel for item in items for channel in item.channels.all()},
            key=lambda channel: (channel.platform, channel.name, channel.pk),
        )
        return super().get_context_data(
            year=year,
            previous_year=year - 1,
            next_year=year + 1,
            themes=themes,
            items=items,
            wheel=build_wheel(year, themes, items, channels, across_label=_("All channels")),
            may_manage=can(self.request.user, "strategy.manage"),
            **kwargs,
        )


class PlanCalendarView(ActionRequiredMixin, TemplateView):
    """The year's themes and activities as an iCalendar file to subscribe to or import."""

    permission_action = "strategy.view"

    def get(self, request, *args, **kwargs):
        year = _year(request)
        themes, items = plan_for_year(year)
        host = request.get_host().split(":")[0]
        events = [
            ical.event(
                uid=f"theme-{theme.pk}@{host}",
                stamp=timezone.now(),
                start=theme.start_date,
                end=theme.end_date,
                summary=_("Theme: %(title)s") % {"title": theme.title},
                description=theme.description,
                categories=[_("Theme of the year")],
            )
            for theme in themes
        ]
        for item in items:
            channels = ", ".join(str(channel) for channel in item.channels.all()) or _(
                "All channels"
            )
            owner = item.owner.get_full_name() or item.owner.username if item.owner else "–"
            details = [item.description, _("Channels: %(channels)s") % {"channels": channels}]
            details.append(_("Owner: %(owner)s") % {"owner": owner})
            events.append(
                ical.event(
                    uid=f"{item.uid}@{host}",
                    stamp=item.updated_at,
                    start=item.start_date,
                    end=item.end_date,
                    summary=item.title,
                    description="\n".join(part for part in details if part),
                    categories=[item.get_kind_display(), item.theme.title if item.theme else ""],
                )
            )
        body = ical.calendar(_("Annual plan %(year)s") % {"year": year}, events)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="annual-plan-{year}.ics"'
        return response


# --- Reports -----------------------------------------------------------------------------------


class ReportsView(ActionRequiredMixin, TemplateView):
    permission_action = "reports.view"
    template_name = "strategy/reports/index.html"


class _ReportView(ActionRequiredMixin, TemplateView):
    """A report: filter form, figures, charts; `?format=csv` gives the table as CSV."""

    permission_action = "reports.view"
    csv_name = "report"

    def get(self, request, *args, **kwargs):
        self.form = ReportFilterForm(request.GET or None, zone=metrics.municipality_zone())
        if request.GET and not self.form.is_valid():
            context = self.get_context_data(form=self.form, invalid=True)
            return self.render_to_response(context, status=400)
        data = self.form.cleaned_data if request.GET else self._defaults()
        self.figures = self.compute(data)
        if request.GET.get("format") == "csv":
            return self.csv_response()
        return self.render_to_response(
            self.get_context_data(form=self.form, figures=self.figures, **self.charts())
        )

    def _defaults(self):
        form = ReportFilterForm({}, zone=self.form.zone)
        form.is_valid()
        return form.cleaned_data

    def compute(self, data):
        raise NotImplementedError

    def charts(self):
        return {}

    def csv_rows(self):
        raise NotImplementedError

    def csv_response(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        csv_export.writer(response).writerows(self.csv_rows())
        return response

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query["format"] = "csv"
        return super().get_context_data(csv_url=f"?{query.urlencode()}", **kwargs)


class AnswerTimesReportView(_ReportView):
    template_name = "strategy/reports/answer_times.html"
    csv_name = "answer-times"

    def compute(self, data):
        return metrics.answer_time_report(
            self.request.user, by=data["by"], interval=data["interval"], period=data["period"]
        )

    def charts(self):
        return {
            **answer_time_charts(self.figures),
            "group_trend_chart": group_trend_chart(self.figures),
        }

    def csv_rows(self):
        yield [
            _("Group"),
            _("Period starting"),
            _("Received"),
            _("Answered"),
            _("Median answer time (minutes)"),
            _("90th percentile (minutes)"),
            _("Answered on time"),
            _("Deadline missed"),
            _("SLA compliance (%)"),
            _("Median first response (minutes)"),
            _("First response, 90th percentile (minutes)"),
            _("First response on time"),
            _("First-response deadline missed"),
            _("First-response compliance (%)"),
        ]
        # Per group over the whole period, per period over all groups, per group and period.
        for section in ("rows", "series", "group_series"):
            for row in self.figures[section]:
                yield [
                    row.label if section != "series" else _("All"),
                    row.period,
                    row.received,
                    row.answered,
                    row.median_minutes,
                    row.p90_minutes,
                    row.on_time,
                    row.breached,
                    row.compliance,
                    row.first_median_minutes,
                    row.first_p90_minutes,
                    row.first_on_time,
                    row.first_breached,
                    row.first_compliance,
                ]


class RemovalsReportView(_ReportView):
    template_name = "strategy/reports/removals.html"
    csv_name = "removals"

    def compute(self, data):
        return metrics.removals_report(self.request.user, period=data["period"])

    def charts(self):
        return {"chart": removals_chart(self.figures)}

    def csv_rows(self):
        yield [_("Reason code"), _("Reason"), _("Hidden"), _("Deleted"), _("Total")]
        for row in self.figures["rows"]:
            yield [row["reason"], row["label"], row["hidden"], row["deleted"], row["total"]]


class LabelsReportView(_ReportView):
    """Labels per month: what the inbox rules and the team marked items with."""

    template_name = "strategy/reports/labels.html"
    csv_name = "labels"

    def compute(self, data):
        return metrics.labels_report(self.request.user, period=data["period"])

    def csv_rows(self):
        months = [month.strftime("%Y-%m") for month in self.figures["months"]]
        yield [_("Label"), *months, _("Total")]
        for row in self.figures["rows"]:
            yield [row["name"], *row["counts"], row["total"]]


class VolumeReportView(_ReportView):
    template_name = "strategy/reports/volume.html"
    csv_name = "volume"

    def compute(self, data):
        return metrics.volume_report(self.request.user, period=data["period"])

    def charts(self):
        grid = self.figures["by_hour_of_week"]
        busiest = max((count for row in grid for count in row), default=0)

        def level(count):
            # Four shades relative to the busiest hour, so the pattern shows without colour
            # being the only carrier (the numbers stay in the cells).
            return 0 if not count else min(4, 1 + (4 * count - 1) // busiest)

        heat = [
            {"label": name, "cells": [{"count": c, "level": level(c)} for c in row]}
            for name, row in zip(weekday_names(), grid, strict=True)
        ]
        return {**volume_charts(self.figures), "heat": heat, "hours": range(24)}

    def csv_rows(self):
        yield [_("Platform"), _("Items")]
        for row in self.figures["by_platform"]:
            yield [row["label"], row["count"]]
        yield []
        yield [_("Weekday"), *range(24)]
        for name, counts in zip(weekday_names(), self.figures["by_hour_of_week"], strict=True):
            yield [name, *counts]


def weekday_names():
    return [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ]


class PagesReportView(_ReportView):
    template_name = "strategy/reports/pages.html"
    csv_name = "pages"

    def compute(self, data):
        return metrics.pages_report(self.request.user)

    def csv_rows(self):
        yield [_("Channel"), _("Platform"), _("Owning unit"), _("Finding"), _("Last own post")]
        for row in self.figures["dormant"]:
            channel = row["channel"]
            last = row["last_post"].date().isoformat() if row["last_post"] else ""
            yield [
                channel.label,
                channel.get_platform_display(),
                channel.owner_unit.name,
                row["why"],
                last,
            ]
        for row in self.figures["non_compliant"]:
            channel = row["channel"]
            yield [
                channel.label,
                channel.get_platform_display(),
                channel.owner_unit.name,
                "; ".join(str(problem) for problem in row["problems"]),
                "",
            ]


class GoalsReportView(_ReportView):
    template_name = "strategy/reports/goals.html"
    csv_name = "goals"

    def compute(self, data):
        return {"progress": metrics.goal_progress(goals_with_channels())}

    def charts(self):
        return {"charts": [goal_chart(progress) for progress in self.figures["progress"]]}

    def csv_rows(self):
        yield [
            _("Goal"),
            _("Metric"),
            _("Target"),
            _("Deadline"),
            _("Latest"),
            _("Forecast at deadline"),
            _("Progress (%)"),
            _("Status"),
        ]
        for progress in self.figures["progress"]:
            goal, forecast = progress.goal, progress.forecast
            yield [
                goal.title,
                goal.get_metric_display(),
                goal.target_value,
                goal.deadline.isoformat(),
                forecast.latest,
                round(forecast.value_at_deadline, 1)
                if forecast.value_at_deadline is not None
                else "",
                forecast.progress_percent,
                status_label(forecast.status),
            ]


def status_label(status):
    return {
        "achieved": _("Achieved"),
        "on_track": _("On track"),
        "at_risk": _("At risk"),
        "off_track": _("Off track"),
        "missed": _("Missed"),
        "no_data": _("Not enough data"),
    }[status]


class CouncilReportView(_ReportView):
    """Everything on one printable page for the council."""

    template_name = "strategy/reports/council.html"
    csv_name = "council-report"

    def compute(self, data):
        user, period = self.request.user, data["period"]
        return {
            "period": period,
            "answer_times": metrics.answer_time_report(
                user, by="centre", interval="month", period=period
            ),
            "removals": metrics.removals_report(user, period=period),
            "volume": metrics.volume_report(user, period=period),
            "pages": metrics.pages_report(user),
            "progress": metrics.goal_progress(goals_with_channels()),
        }

    def charts(self):
        return {
            **answer_time_charts(self.figures["answer_times"]),
            "removals_chart": removals_chart(self.figures["removals"]),
            "platform_chart": volume_charts(self.figures["volume"])["platform_chart"],
        }

    def csv_rows(self):
        yield [
            _("Centre"),
            _("Received"),
            _("Median answer time (minutes)"),
            _("SLA compliance (%)"),
        ]
        for row in self.figures["answer_times"]["rows"]:
            yield [row.label, row.received, row.median_minutes, row.compliance]


def own_post_channels(user):
    """The channels whose own posts `user` sees (the same scope as OwnPost.for_user)."""
    from core.permissions import access_for
    from governance.models import Role

    access = access_for(user)
    channels = Channel.objects.order_by("platform", "name", "pk")
    if access.sees_everything:
        return channels
    units = access.managed_unit_ids | access.unit_ids(Role.CHANNEL_EDITOR)
    return channels.filter(owner_unit_id__in=units)


def own_posts_page(user, params):
    """The own posts of one month (the current one unless asked), on one channel or all the
    user sees, newest first, with the month's totals from the rollups. Returns the filter form,
    the posts query, the month and the totals."""
    from .figures import month_bounds, municipality_zone
    from .forms import OwnPostFilterForm
    from .models import OwnPost, OwnPostMonth

    zone = municipality_zone()
    channels = own_post_channels(user)
    form = OwnPostFilterForm(params or None, channels=channels)
    valid = form.is_valid() if params else True
    cleaned = form.cleaned_data if params and valid else {}
    month = cleaned.get("month") or timezone.localdate(timezone=zone).replace(day=1)
    start, end = month_bounds(month, zone)
    posts = OwnPost.objects.for_user(user).filter(published_at__gte=start, published_at__lt=end)
    months = OwnPostMonth.objects.filter(month=month, channel__in=channels)
    if cleaned.get("channel"):
        posts = posts.filter(channel=cleaned["channel"])
        months = months.filter(channel=cleaned["channel"])
    posts = posts.select_related("channel").order_by("-published_at", "-id")
    return form, valid, posts, month, month_summary(months)


def month_summary(months):
    """The month's totals over the channels' rollups `months`: own posts, interactions per post
    and per person reached."""
    from django.db.models import Sum

    totals = months.aggregate(
        posts=Sum("posts"),
        with_interactions=Sum("posts_with_interactions"),
        interactions=Sum("interactions"),
        reach=Sum("reach"),
        reached=Sum("reached_interactions"),
    )
    return {
        "posts": totals["posts"] or 0,
        "per_post": metrics.month_value(
            "interactions_per_post",
            0,
            totals["with_interactions"] or 0,
            totals["interactions"] or 0,
            0,
            0,
        ),
        "rate": metrics.month_value(
            "engagement_rate", 0, 0, 0, totals["reach"] or 0, totals["reached"] or 0
        ),
    }


class OwnPostsView(ActionRequiredMixin, TemplateView):
    """Our own posts of a month with their figures; a figure the platform does not give is
    said to be so, never shown as 0."""

    permission_action = "strategy.view"
    template_name = "strategy/own_posts.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from .models import FIGURE_NAMES

        form, valid, posts, month, summary = own_posts_page(self.request.user, self.request.GET)
        # A month of one municipality's posts: the count stays small.
        page = Paginator(posts, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = []
        for post in page.object_list:
            cells = []
            for name in FIGURE_NAMES:
                cells.append({"given": post.given(name), "value": getattr(post, name)})
            rows.append({"post": post, "cells": cells})
        previous = (month - timedelta(days=1)).replace(day=1)
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        return super().get_context_data(
            form=form,
            invalid=not valid,
            rows=rows,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            month=month,
            previous_month=previous.strftime("%Y-%m"),
            next_month=following.strftime("%Y-%m"),
            summary=summary,
            may_mark=can(self.request.user, "strategy.mark_shareable"),
            **kwargs,
        )


class ShareMarkView(ActionRequiredMixin, FormView):
    """The communications team marks a post as good for ambassadors to share."""

    permission_action = "strategy.mark_shareable"
    template_name = "strategy/share_mark.html"

    def get_permission_object(self):
        from .models import OwnPost

        self.post_obj = get_object_or_404(
            OwnPost.objects.for_user(self.request.user).select_related("channel"),
            pk=self.kwargs["pk"],
        )
        return self.post_obj

    def get_form_class(self):
        from .forms import ShareMarkForm

        return ShareMarkForm

    def get_initial(self):
        return {
            "good_to_share": self.post_obj.good_to_share,
            "share_text": self.post_obj.share_text,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(post=self.post_obj, **kwargs)

    def form_valid(self, form):
        try:
            actions.mark_good_to_share(
                self.post_obj,
                good_to_share=form.cleaned_data["good_to_share"],
                share_text=form.cleaned_data["share_text"],
                acting_user=self.request.user,
            )
        except actions.ShareError as exc:
            form.add_error("share_text", str(exc))
            return self.form_invalid(form)
        month = timezone.localtime(self.post_obj.published_at).strftime("%Y-%m")
        return redirect(f"{reverse('strategy:own-posts')}?month={month}")
