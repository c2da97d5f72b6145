"""The programme's writes, each in one transaction with its audit row: joining and leaving,
signing up for a course and cancelling, and the team's guides and courses."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import plain, record, snapshot

from .models import Course, CourseSignup, Membership


class ProgrammeError(Exception):
    """A step the programme's state does not allow; the message says why."""


def is_ambassador(user) -> bool:
    return Membership.objects.filter(user_id=user.pk, active=True).exists()


@transaction.atomic
def join(user, *, acting_user):
    """Join the programme (again): voluntary, so only the person themself joins."""
    if acting_user is None or acting_user.pk != user.pk:
        raise ProgrammeError(_("Only the person themself can join the programme."))
    now = timezone.now()
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is not None and membership.active:
        raise ProgrammeError(_("You are already an ambassador."))
    if membership is None:
        membership = Membership.objects.create(user=user, active=True, joined_at=now)
        before = {}
    else:
        before = snapshot(membership, "active")
        membership.active, membership.joined_at, membership.left_at = True, now, None
        membership.save(update_fields=["active", "joined_at", "left_at"])
    record(
        "ambassadors.joined",
        actor=acting_user,
        obj=membership,
        before=before,
        after=snapshot(membership, "active"),
    )
    return membership


@transaction.atomic
def leave(user, *, acting_user):
    """Leave the programme at any time; the person's upcoming course seats are kept (a course
    is open to every employee)."""
    if acting_user is None or acting_user.pk != user.pk:
        raise ProgrammeError(_("Only the person themself can leave the programme."))
    membership = Membership.objects.select_for_update().filter(user=user, active=True).first()
    if membership is None:
        raise ProgrammeError(_("You are not an ambassador."))
    before = snapshot(membership, "active")
    membership.active, membership.left_at = False, timezone.now()
    membership.save(update_fields=["active", "left_at"])
    record(
        "ambassadors.left",
        actor=acting_user,
        obj=membership,
        before=before,
        after=snapshot(membership, "active"),
    )
    return membership


def seats_taken(course) -> int:
    return CourseSignup.objects.filter(course=course, cancelled_at__isnull=True).count()


@transaction.atomic
def sign_up(course, *, acting_user, now=None):
    """Take a seat on a course: refused when it is full, has started or the person already has
    a seat. The course row is locked, so two people never get the last seat both."""
    now = now or timezone.now()
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not course.published:
        raise ProgrammeError(_("This course is not open for sign-up."))
    if course.starts_at <= now:
        raise ProgrammeError(_("The course has already started."))
    if CourseSignup.objects.filter(
        course=course, user=acting_user, cancelled_at__isnull=True
    ).exists():
        raise ProgrammeError(_("You already have a seat on this course."))
    if seats_taken(course) >= course.seats:
        raise ProgrammeError(_("The course is full."))
    signup = CourseSignup.objects.create(course=course, user=acting_user, signed_up_at=now)
    record(
        "ambassadors.course_signed_up",
        actor=acting_user,
        obj=signup,
        after={"course": course.pk},
    )
    return signup


@transaction.atomic
def cancel(course, *, acting_user, now=None):
    """Give one's seat back, up to the start of the course."""
    now = now or timezone.now()
    course = Course.objects.select_for_update().get(pk=course.pk)
    signup = (
        CourseSignup.objects.select_for_update()
        .filter(course=course, user=acting_user, cancelled_at__isnull=True)
        .first()
    )
    if signup is None:
        raise ProgrammeError(_("You have no seat on this course."))
    if course.starts_at <= now:
        raise ProgrammeError(_("The course has already started."))
    before = snapshot(signup, "cancelled_at")
    signup.cancelled_at = now
    signup.save(update_fields=["cancelled_at"])
    record(
        "ambassadors.course_cancelled",
        actor=acting_user,
        obj=signup,
        before=before,
        after=snapshot(signup, "cancelled_at"),
    )
    return signup


def _save(form, action, *, acting_user, extra=None):
    created = form.instance.pk is None
    names = sorted(form.changed_data)
    before = {} if created else {name: plain(form.initial.get(name)) for name in names}
    obj = form.save(commit=False)
    for name, value in (extra or {}).items():
        setattr(obj, name, value)
    obj.save()
    record(
        action,
        actor=acting_user,
        obj=obj,
        before=before,
        after={name: plain(form.cleaned_data.get(name)) for name in names},
        created=created,
    )
    return obj


@transaction.atomic
def save_guide(form, *, acting_user):
    """Create or change a guide."""
    return _save(
        form, "ambassadors.guide_saved", acting_user=acting_user, extra={"updated_by": acting_user}
    )


@transaction.atomic
def save_course(form, *, acting_user):
    """Create or change a course. Fewer seats than are taken is refused."""
    course = form.instance
    if course.pk is not None and form.cleaned_data["seats"] < seats_taken(course):
        raise ProgrammeError(
            _("%(taken)d seats are taken: the course cannot have fewer.")
            % {"taken": seats_taken(course)}
        )
    return _save(form, "ambassadors.course_saved", acting_user=acting_user)
