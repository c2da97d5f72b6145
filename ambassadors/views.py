"""The ambassador programme's pages in the guidelines area: the programme with its guides,
courses and posts to share, a guide, a course, the person's own sign-up, and the team's
management pages."""

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from core.markdown import render_markdown
from core.permissions import can
from core.permissions.views import ActionRequiredMixin
from strategy.models import OwnPost

from . import actions
from .forms import CourseForm, GuideForm
from .models import Course, CourseSignup, Guide, Membership

SHARE_DAYS = 30


def courses_for(user, *, upcoming_from=None):
    """Courses with their seats taken and whether `user` has one (two subqueries, no per-row
    queries); the team also sees unpublished ones."""
    mine = CourseSignup.objects.filter(
        course=OuterRef("pk"), user_id=user.pk, cancelled_at__isnull=True
    )
    courses = Course.objects.annotate(
        taken=Count("signups", filter=Q(signups__cancelled_at__isnull=True)),
        has_seat=Exists(mine),
    ).order_by("starts_at", "id")
    if not can(user, "ambassadors.manage"):
        courses = courses.filter(published=True)
    if upcoming_from is not None:
        courses = courses.filter(ends_at__gte=upcoming_from)
    return courses


def guides_for(user):
    guides = Guide.objects.order_by("position", "title", "id")
    return guides if can(user, "ambassadors.manage") else guides.filter(published=True)


def posts_to_share(now):
    return (
        OwnPost.objects.filter(
            good_to_share=True, marked_at__gt=now - timezone.timedelta(days=SHARE_DAYS)
        )
        .select_related("channel")
        .order_by("-marked_at", "-id")
    )


class ProgrammeView(ActionRequiredMixin, TemplateView):
    permission_action = "ambassadors.view"
    template_name = "ambassadors/programme.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        now = timezone.now()
        return super().get_context_data(
            membership=Membership.objects.filter(user=user).first(),
            guides=list(guides_for(user)),
            courses=list(courses_for(user, upcoming_from=now)[:20]),
            posts=list(posts_to_share(now)[:10]),
            may_manage=can(user, "ambassadors.manage"),
            **kwargs,
        )


class GuideView(ActionRequiredMixin, TemplateView):
    permission_action = "ambassadors.view"
    template_name = "ambassadors/guide.html"

    def get_context_data(self, **kwargs):
        guide = get_object_or_404(guides_for(self.request.user), pk=self.kwargs["pk"])
        return super().get_context_data(
            guide=guide,
            body=render_markdown(guide.body),
            may_manage=can(self.request.user, "ambassadors.manage"),
            **kwargs,
        )


class CourseView(ActionRequiredMixin, TemplateView):
    permission_action = "ambassadors.view"
    template_name = "ambassadors/course.html"

    def get_context_data(self, **kwargs):
        course = get_object_or_404(courses_for(self.request.user), pk=self.kwargs["pk"])
        return super().get_context_data(
            course=course,
            description=render_markdown(course.description),
            seats_left=max(course.seats - course.taken, 0),
            started=course.starts_at <= timezone.now(),
            may_manage=can(self.request.user, "ambassadors.manage"),
            **kwargs,
        )


class _StepView(ActionRequiredMixin, View):
    """A POST that runs one action and goes back to a page with its outcome as a message."""

    success_message = ""

    def run(self, request):
        raise NotImplementedError

    def target(self):
        return reverse("ambassadors:programme")

    def post(self, request, *args, **kwargs):
        try:
            self.run(request)
        except actions.ProgrammeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.success_message)
        return redirect(self.target())


class JoinView(_StepView):
    permission_action = "ambassadors.join"

    def run(self, request):
        actions.join(request.user, acting_user=request.user)
        self.success_message = _("Welcome to the ambassador programme.")


class LeaveView(_StepView):
    permission_action = "ambassadors.join"

    def run(self, request):
        actions.leave(request.user, acting_user=request.user)
        self.success_message = _("You have left the ambassador programme.")


class _CourseStepView(_StepView):
    permission_action = "ambassadors.sign_up"

    def get_permission_object(self):
        self.course = get_object_or_404(courses_for(self.request.user), pk=self.kwargs["pk"])
        return self.course

    def target(self):
        return reverse("ambassadors:course", args=[self.course.pk])


class SignUpView(_CourseStepView):
    def run(self, request):
        actions.sign_up(self.course, acting_user=request.user)
        self.success_message = _("You have a seat on the course.")


class CancelView(_CourseStepView):
    def run(self, request):
        actions.cancel(self.course, acting_user=request.user)
        self.success_message = _("Your seat is given back.")


class MySignUpView(ActionRequiredMixin, TemplateView):
    permission_action = "ambassadors.view"
    template_name = "ambassadors/mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            membership=Membership.objects.filter(user=user).first(),
            signups=list(
                CourseSignup.objects.filter(user=user, cancelled_at__isnull=True)
                .select_related("course")
                .order_by("course__starts_at")
            ),
            **kwargs,
        )


class ManageView(ActionRequiredMixin, TemplateView):
    permission_action = "ambassadors.manage"
    template_name = "ambassadors/manage.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            members=list(
                Membership.objects.filter(active=True)
                .select_related("user")
                .order_by("user__first_name", "user__last_name", "user__username")[:500]
            ),
            guides=list(guides_for(user)),
            courses=list(courses_for(user, upcoming_from=timezone.now())),
            posts=list(posts_to_share(timezone.now())[:20]),
            **kwargs,
        )


class _EditView(ActionRequiredMixin, FormView):
    permission_action = "ambassadors.manage"
    template_name = "ambassadors/form.html"
    model = None
    form_class = None
    title = ""

    def get_instance(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.instance = self.get_instance()
        kwargs["instance"] = self.instance
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except actions.ProgrammeError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(obj.get_absolute_url())


class GuideEditView(_EditView):
    model = Guide
    form_class = GuideForm

    @property
    def title(self):
        return _("Change guide") if "pk" in self.kwargs else _("New guide")

    def save(self, form):
        return actions.save_guide(form, acting_user=self.request.user)


class CourseEditView(_EditView):
    model = Course
    form_class = CourseForm

    @property
    def title(self):
        return _("Change course") if "pk" in self.kwargs else _("New course")

    def save(self, form):
        return actions.save_course(form, acting_user=self.request.user)
