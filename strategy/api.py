"""API: goals with their progress and forecast, the yearly plan, and the report figures."""

from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Channel
from core.api_errors import action_failed
from core.bounds import EARLIEST_DATE, LATEST_DATE
from core.permissions.api import ActionPermission

from . import actions, metrics
from .forms import OwnPostFilterForm, ReportFilterForm
from .models import FIGURE_NAMES, Goal, OwnPost, PlanItem


class GoalProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    latest = serializers.FloatField(allow_null=True)
    start_value = serializers.FloatField(allow_null=True)
    value_at_deadline = serializers.FloatField(allow_null=True)
    progress_percent = serializers.FloatField(allow_null=True)
    slope_per_day = serializers.FloatField(allow_null=True)
    points = serializers.ListField(child=serializers.DictField())


class GoalSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = [
            "id",
            "title",
            "description",
            "metric",
            "channels",
            "target_value",
            "baseline_value",
            "start_date",
            "deadline",
            "progress",
        ]

    @extend_schema_field(GoalProgressSerializer)
    def get_progress(self, goal) -> dict:
        progress = self.context["progress"][goal.pk]
        forecast = progress.forecast
        return {
            "status": forecast.status,
            "latest": forecast.latest,
            "start_value": forecast.start_value,
            "value_at_deadline": (
                round(forecast.value_at_deadline, 2)
                if forecast.value_at_deadline is not None
                else None
            ),
            "progress_percent": forecast.progress_percent,
            "slope_per_day": forecast.trend.slope_per_day if forecast.trend else None,
            "points": [{"date": day.isoformat(), "value": value} for day, value in progress.points],
        }


def _goals():
    return Goal.objects.prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("platform", "name"))
    ).order_by("deadline", "title", "id")


class GoalViewSet(viewsets.ReadOnlyModelViewSet):
    """Goals with their measured points, trend forecast at the deadline and status."""

    serializer_class = GoalSerializer
    permission_classes = [ActionPermission]
    permission_actions = {"list": "strategy.view", "retrieve": "strategy.view"}

    def get_queryset(self):
        return _goals()

    def _with_progress(self, goals):
        progress = metrics.goal_progress(goals)
        context = self.get_serializer_context()
        context["progress"] = {row.goal.pk: row for row in progress}
        return GoalSerializer(goals, many=True, context=context).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._with_progress(list(page)))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._with_progress([self.get_object()])[0])


class PlanItemSerializer(serializers.ModelSerializer):
    theme_title = serializers.CharField(
        source="theme.title", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "uid",
            "title",
            "description",
            "kind",
            "theme",
            "theme_title",
            "channels",
            "owner",
            "start_date",
            "end_date",
        ]


class PlanItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The planned actions and campaigns; `?year=` keeps those touching that year."""

    serializer_class = PlanItemSerializer
    permission_classes = [ActionPermission]
    permission_actions = {"list": "strategy.view", "retrieve": "strategy.view"}
    filterset_fields = ["kind", "theme", "owner"]

    def get_queryset(self):
        items = PlanItem.objects.select_related("theme").prefetch_related("channels")
        year = self.request.query_params.get("year")
        if year:
            if not (year.isdigit() and EARLIEST_DATE.year <= int(year) <= LATEST_DATE.year):
                raise ValidationError(
                    {
                        "year": [
                            _("Give a year between %(earliest)s and %(latest)s.")
                            % {"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year}
                        ]
                    }
                )
            items = items.filter(start_date__year__lte=int(year), end_date__year__gte=int(year))
        return items.order_by("start_date", "end_date", "title", "id")


def _answer_row(row):
    return {
        "key": row.key.isoformat() if hasattr(row.key, "isoformat") else row.key,
        "label": row.label,
        "period": row.period,
        "received": row.received,
        "answered": row.answered,
        "on_time": row.on_time,
        "breached": row.breached,
        "median_minutes": row.median_minutes,
        "p90_minutes": row.p90_minutes,
        "sla_compliance": row.compliance,
        "answered_share": row.answered_share,
        "first_response": {
            "on_time": row.first_on_time,
            "breached": row.first_breached,
            "median_minutes": row.first_median_minutes,
            "p90_minutes": row.first_p90_minutes,
            "sla_compliance": row.first_compliance,
        },
    }


def _period(figures):
    period = figures["period"]
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _answer_times(user, data):
    figures = metrics.answer_time_report(
        user, by=data["by"], interval=data["interval"], period=data["period"]
    )
    return {
        "period": _period(figures),
        "by": figures["by"],
        "interval": figures["interval"],
        "rows": [_answer_row(row) for row in figures["rows"]],
        "series": [_answer_row(row) for row in figures["series"]],
        "group_series": [_answer_row(row) for row in figures["group_series"]],
    }


def _removals(user, data):
    figures = metrics.removals_report(user, period=data["period"])
    return {"period": _period(figures), "rows": figures["rows"]}


def _labels(user, data):
    figures = metrics.labels_report(user, period=data["period"])
    return {
        "period": _period(figures),
        "months": [month.strftime("%Y-%m") for month in figures["months"]],
        "rows": figures["rows"],
    }


def _volume(user, data):
    figures = metrics.volume_report(user, period=data["period"])
    return {
        "period": _period(figures),
        "by_platform": figures["by_platform"],
        "by_hour_of_week": figures["by_hour_of_week"],
    }


def _channel(channel):
    return {
        "channel": channel.pk,
        "name": channel.name,
        "label": channel.label,
        "platform": channel.platform,
    }


def _pages(user, data):
    figures = metrics.pages_report(user)
    return {
        "dormant_after_days": figures["dormant_after_days"],
        "dormant": [
            {
                **_channel(row["channel"]),
                "finding": str(row["why"]),
                "last_own_post": row["last_post"].isoformat() if row["last_post"] else None,
            }
            for row in figures["dormant"]
        ],
        "non_compliant": [
            {**_channel(row["channel"]), "problems": [str(problem) for problem in row["problems"]]}
            for row in figures["non_compliant"]
        ],
    }


REPORTS = {
    "answer-times": _answer_times,
    "removals": _removals,
    "labels": _labels,
    "volume": _volume,
    "pages": _pages,
}


class ReportFiguresView(APIView):
    """One report's figures as JSON: answer-times, removals, labels, volume or pages."""

    permission_classes = [ActionPermission]
    permission_actions = {"get": "reports.view"}

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="First local day"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last local day"),
            OpenApiParameter("by", str, enum=list(metrics.DIMENSIONS)),
            OpenApiParameter("interval", str, enum=list(metrics.INTERVALS)),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, name):
        if name not in REPORTS:
            raise NotFound(
                _("Unknown report %(name)s; choose one of %(names)s.")
                % {"name": name, "names": ", ".join(sorted(REPORTS))}
            )
        form = ReportFilterForm(request.query_params, zone=metrics.municipality_zone())
        if not form.is_valid():
            raise ValidationError(
                {field: list(messages) for field, messages in form.errors.items()}
            )
        return Response(REPORTS[name](request.user, form.cleaned_data))


class OwnPostSerializer(serializers.ModelSerializer):
    channel_label = serializers.CharField(source="channel.label", read_only=True)
    platform = serializers.CharField(source="channel.platform", read_only=True)
    figures = serializers.SerializerMethodField()
    not_given = serializers.SerializerMethodField(
        help_text="The figures the channel's platform does not give (their value is null)."
    )
    interactions = serializers.IntegerField(read_only=True, allow_null=True)
    engagement_rate = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = OwnPost
        fields = [
            "id",
            "channel",
            "channel_label",
            "platform",
            "external_id",
            "published_at",
            "text",
            "permalink",
            "source",
            "figures",
            "not_given",
            "interactions",
            "engagement_rate",
            "figures_fetched_at",
            "good_to_share",
            "share_text",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(allow_null=True)))
    def get_figures(self, post) -> dict:
        return {name: getattr(post, name) for name in FIGURE_NAMES}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_not_given(self, post) -> list:
        return [name for name in FIGURE_NAMES if not post.given(name)]


class ShareMarkSerializer(serializers.Serializer):
    good_to_share = serializers.BooleanField()
    share_text = serializers.CharField(
        required=False, allow_blank=True, max_length=actions.SHARE_TEXT_MAX
    )


@extend_schema(
    parameters=[
        OpenApiParameter("channel", OpenApiTypes.INT, description="One channel's posts."),
        OpenApiParameter(
            "month", OpenApiTypes.STR, description="YYYY-MM; the current month when left out."
        ),
    ]
)
class OwnPostViewSet(viewsets.ReadOnlyModelViewSet):
    """Our own posts of one month with their figures; a figure the platform does not give is
    null and named in `not_given`."""

    serializer_class = OwnPostSerializer
    permission_classes = [ActionPermission]
    permission_actions = {
        "list": "strategy.view",
        "retrieve": "strategy.view",
        "share": "strategy.mark_shareable",
    }

    def get_queryset(self):
        return OwnPost.objects.for_user(self.request.user).select_related("channel")

    def list(self, request, *args, **kwargs):
        from .views import own_post_channels, own_posts_page

        params = {key: request.query_params.get(key) for key in ("channel", "month")}
        params = {key: value for key, value in params.items() if value}
        form = OwnPostFilterForm(params, channels=own_post_channels(request.user))
        if params and not form.is_valid():
            raise ValidationError(
                {field: list(messages) for field, messages in form.errors.items()}
            )
        _form, _valid, posts, _month, _summary = own_posts_page(request.user, params)
        page = self.paginate_queryset(posts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=ShareMarkSerializer, responses=OwnPostSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        post = self.get_object()
        payload = ShareMarkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            post = actions.mark_good_to_share(
                post,
                good_to_share=payload.validated_data["good_to_share"],
                share_text=payload.validated_data.get("share_text", ""),
                acting_user=request.user,
            )
        except actions.ShareError as exc:
            raise action_failed(exc) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=post.pk)).data)


def register(router):
    from .post_api import PostViewSet

    router.register("own-posts", OwnPostViewSet, basename="own-post")
    router.register("goals", GoalViewSet, basename="goal")
    router.register("posts", PostViewSet, basename="post")
    router.register("plan-items", PlanItemViewSet, basename="plan-item")


urlpatterns = [
    path("reports/<slug:name>/", ReportFiguresView.as_view(), name="report-figures"),
]
