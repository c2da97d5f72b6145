"""The posts pages: the list, composing with a preview per platform, a post's page with its
approval steps and comments, the week and month calendar, and the pictures platforms fetch."""

import calendar
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from core.permissions import can
from core.permissions.views import ActionRequiredMixin
from platforms import post_rules

from . import publishing
from .models import Post, PostComment, PostStatus, PostTarget
from .post_forms import CommentForm, PostForm, RejectForm, ScheduleForm

LIST_SIZE = 100
ON_CALENDAR = (
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
    PostStatus.PUBLISHED,
    PostStatus.FAILED,
)


def posts_for(user):
    return Post.objects.for_user(user).prefetch_related(
        Prefetch("targets", queryset=PostTarget.objects.select_related("channel"))
    )


class PostListView(ActionRequiredMixin, TemplateView):
    permission_action = "posts.view"
    template_name = "strategy/posts/list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        posts = posts_for(self.request.user).select_related("author", "plan_item")
        if status in PostStatus.values:
            posts = posts.filter(status=status)
        return super().get_context_data(
            posts=list(posts.order_by("-updated_at", "-pk")[:LIST_SIZE]),
            statuses=PostStatus.choices,
            status=status,
            may_create=can(self.request.user, "posts.create"),
            **kwargs,
        )


class _ComposeView(ActionRequiredMixin, FormView):
    template_name = "strategy/posts/compose.html"
    form_class = PostForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.post_obj}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            post = publishing.save_draft(
                self.post_obj,
                acting_user=self.request.user,
                title=data.get("title") or "",
                text=data["text"],
                link=data.get("link") or "",
                channels=data["channels"],
                variants=form.variants(),
                picture=self.request.FILES.get("picture"),
                clear_picture=data.get("clear_picture", False),
                picture_alt=data.get("picture_alt") or "",
                plan_item=data.get("plan_item"),
                theme=data.get("theme"),
            )
        except publishing.PostError as error:
            for field, problems in (error.errors or {None: [str(error)]}).items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft is saved."))
        return redirect(post.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            post=self.post_obj,
            not_publishable=post_rules.NOT_PUBLISHABLE,
            **kwargs,
        )


class PostCreateView(_ComposeView):
    permission_action = "posts.create"
    post_obj = None

    def get_initial(self):
        initial = super().get_initial()
        plan_item = self.request.GET.get("plan_item", "")
        if plan_item.isdigit():
            initial["plan_item"] = int(plan_item)
        return initial


class PostEditView(_ComposeView):
    permission_action = "posts.edit"

    def get_permission_object(self):
        self.post_obj = get_object_or_404(
            Post.objects.for_user(self.request.user), pk=self.kwargs["pk"]
        )
        return self.post_obj


def previews(post):
    """What each channel will show: the text as published there, its length as the platform
    counts it, and whether the picture goes along."""
    rows = []
    for target in post.targets.all():
        platform = target.channel.platform
        rules = post_rules.RULES.get(platform)
        text = post_rules.full_text(platform, target.final_text, post.link)
        rows.append(
            {
                "target": target,
                "text": text,
                "length": post_rules.length(platform, text) if rules else 0,
                "max_length": rules.max_length if rules else 0,
                "picture": bool(post.picture) and rules and rules.picture != post_rules.NOT_OFFERED,
                "picture_left_out": bool(post.picture)
                and rules
                and rules.picture == post_rules.NOT_OFFERED,
                "link_preview": bool(post.link) and rules and rules.link_in == "parameter",
                "problems": [
                    publishing.problem_message(platform, problem)
                    for problem in post_rules.problems(
                        platform, target.final_text, link=post.link, picture=bool(post.picture)
                    )
                    if problem.code != "picture_not_offered"
                ],
            }
        )
    return rows


class PostDetailView(ActionRequiredMixin, TemplateView):
    permission_action = "posts.view"
    template_name = "strategy/posts/detail.html"

    def get_permission_object(self):
        self.post_obj = get_object_or_404(
            posts_for(self.request.user).select_related(
                "author", "plan_item", "theme", "decided_by"
            ),
            pk=self.kwargs["pk"],
        )
        return self.post_obj

    def get_context_data(self, **kwargs):
        post, user = self.post_obj, self.request.user
        may = {
            step: can(user, f"posts.{step}", post)
            for step in ("edit", "submit", "delete", "approve", "reject", "schedule", "retry")
        }
        may["publish_now"] = can(user, "posts.publish_now", post) and publishing.crisis_on(post)
        return super().get_context_data(
            post=post,
            previews=previews(post),
            comments=list(PostComment.objects.filter(post=post).select_related("author")),
            may=may,
            approvers=publishing.approvers(post) if post.status == PostStatus.SUBMITTED else [],
            schedule_form=ScheduleForm(
                initial={"scheduled_at": timezone.localtime(post.scheduled_at)}
                if post.scheduled_at
                else None
            ),
            reject_form=RejectForm(),
            comment_form=CommentForm(),
            **kwargs,
        )


class PostStepView(ActionRequiredMixin, View):
    """One approval or publishing step on a post (POST only), then back to its page."""

    step = ""

    @property
    def permission_action(self):
        return f"posts.{self.step}"

    def get_permission_object(self):
        self.post_obj = get_object_or_404(
            Post.objects.for_user(self.request.user).prefetch_related("targets__channel"),
            pk=self.kwargs["pk"],
        )
        return self.post_obj

    def _when(self):
        form = ScheduleForm(self.request.POST)
        if not form.is_valid():
            raise publishing.PostError(_("Enter a valid date and time."))
        return form.cleaned_data.get("scheduled_at")

    def _run(self, post, user):
        """Run the step; return the message that says it is done."""
        data = self.request.POST
        steps = {
            "submit": (
                lambda: publishing.submit(post, acting_user=user),
                _("The post is sent for approval."),
            ),
            "approve": (
                lambda: publishing.approve(post, acting_user=user, scheduled_at=self._when()),
                _("The post is approved."),
            ),
            "reject": (
                lambda: publishing.reject(post, acting_user=user, reason=data.get("reason", "")),
                _("The post is sent back to its author."),
            ),
            "schedule": (
                lambda: publishing.schedule(post, self._when(), acting_user=user),
                _("The post is scheduled."),
            ),
            "comment": (
                lambda: publishing.add_comment(post, data.get("text", ""), acting_user=user),
                _("The comment is added."),
            ),
            "publish_now": (
                lambda: publishing.publish_now(post, acting_user=user),
                _("The post is being published."),
            ),
            "retry": (
                lambda: publishing.retry(post, acting_user=user),
                _("The post is sent again."),
            ),
            "delete": (
                lambda: publishing.delete_draft(post, acting_user=user),
                _("The draft is deleted."),
            ),
        }
        step, done = steps[self.step]
        step()
        return done

    def post(self, request, pk):
        post = self.post_obj
        try:
            done = self._run(post, request.user)
        except publishing.PostError as error:
            messages.error(request, str(error))
            return redirect(post.get_absolute_url())
        messages.success(request, done)
        if self.step == "delete":
            return redirect("strategy:posts")
        return redirect(post.get_absolute_url())


def _parse_day(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


class PostCalendarView(ActionRequiredMixin, TemplateView):
    """Scheduled and published posts per day, as a week or a month."""

    permission_action = "posts.view"
    template_name = "strategy/posts/calendar.html"

    def _period(self):
        view = "month" if self.request.GET.get("view") == "month" else "week"
        day = _parse_day(self.request.GET.get("date"))
        if view == "week":
            first = day - timedelta(days=day.weekday())
            last = first + timedelta(days=6)
            return view, day, first, last, first - timedelta(days=7), first + timedelta(days=7)
        first = day.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return (
            view,
            day,
            first,
            last,
            (first - timedelta(days=1)).replace(day=1),
            last + timedelta(days=1),
        )

    def _posts_by_day(self, first, last):
        zone = timezone.get_current_timezone()
        start = datetime.combine(first, time.min, tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
        posts = (
            posts_for(self.request.user)
            .filter(status__in=ON_CALENDAR)
            .filter(
                Q(published_at__gte=start, published_at__lt=end)
                | Q(published_at__isnull=True, scheduled_at__gte=start, scheduled_at__lt=end)
            )
            .order_by("scheduled_at", "pk")
        )
        by_day = {}
        for post in posts:
            post.calendar_time = timezone.localtime(post.published_at or post.scheduled_at)
            by_day.setdefault(post.calendar_time.date(), []).append(post)
        return by_day

    def get_context_data(self, **kwargs):
        view, day, first, last, previous, following = self._period()
        by_day = self._posts_by_day(first, last)
        today = timezone.localdate()
        # The grid runs from the Monday on or before the first day to the Sunday after the last.
        current, days = first - timedelta(days=first.weekday()), []
        while current <= last + timedelta(days=6 - last.weekday()):
            posts = sorted(by_day.get(current, []), key=lambda post: post.calendar_time)
            days.append(
                {
                    "date": current,
                    "in_range": first <= current <= last,
                    "today": current == today,
                    "posts": posts,
                }
            )
            current += timedelta(days=1)
        return super().get_context_data(
            view=view,
            first=first,
            last=last,
            weeks=[days[index : index + 7] for index in range(0, len(days), 7)],
            weekday_names=[cell["date"] for cell in days[:7]],
            previous=previous.isoformat(),
            following=following.isoformat(),
            today=today.isoformat(),
            day=day.isoformat(),
            may_create=can(self.request.user, "posts.create"),
            **kwargs,
        )


class PostPictureView(View):
    """A post's picture, public by its unguessable key: Instagram and Facebook fetch it from
    here when they publish (`SITE_URL` must be reachable from the platform). Drafts' pictures
    are not served."""

    def get(self, request, key):
        post = (
            Post.objects.filter(picture_key=key)
            .exclude(status__in=[PostStatus.DRAFT, PostStatus.SUBMITTED])
            .exclude(picture="")
            .first()
        )
        if post is None:
            raise Http404
        try:
            handle = post.picture.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle)


class PostPicturePreviewView(ActionRequiredMixin, View):
    """A post's picture for the people working on it (drafts included)."""

    permission_action = "posts.view"

    def get_permission_object(self):
        self.post_obj = get_object_or_404(
            Post.objects.for_user(self.request.user), pk=self.kwargs["pk"]
        )
        return self.post_obj

    def get(self, request, pk):
        if not self.post_obj.picture:
            raise Http404
        try:
            handle = self.post_obj.picture.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle)
