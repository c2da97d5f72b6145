"""Inviting a person: an e-mail with a one-time link that opens their account with the role they
were invited to.

The link carries a random key; the invitation stores only its hash (`Invitation.key_hash`), is
valid for `VALID_FOR` and is spent by its first acceptance. Accepting sets a password, or, where
the municipality signs in through its identity provider, opens the account without one and
sends the person to the provider. The e-mail is written in the municipality's language: the
person has no language of their own yet.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit import record, snapshot

from .models import Invitation, InvitationStatus, Membership, OrgUnit
from .models.invitations import hash_key
from .org_actions import SettingsError, check_membership

VALID_FOR = timedelta(days=7)
INVITATION_FIELDS = ("email", "unit", "role", "is_lead", "expires_at", "accepted_at")


def invitation_for_key(key):
    """The invitation the link's key opens, or None."""
    if not key:
        return None
    return (
        Invitation.objects.select_related("unit", "municipality")
        .filter(key_hash=hash_key(key))
        .first()
    )


def account_for_email(email):
    """The account that already uses `email`, as its address or its user name, or None."""
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )


def accept_url(key):
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", kwargs={"key": key})


@transaction.atomic
def invite_person(municipality, *, acting_user, email, unit, role, is_lead=False):
    """Invite `email` to `role` in `unit`; the e-mail leaves after the commit.

    Refused for an address that already has an account (give that person the role on their
    page instead) or a waiting invitation; an expired one is withdrawn and replaced."""
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.municipality_id != municipality.pk:
        raise SettingsError(_("The unit belongs to another municipality."), field="unit")
    check_membership(None, unit, role, is_lead)
    existing = account_for_email(email)
    if existing is not None:
        message = (
            _("%(email)s already has an account. Give the role on the person's page instead.")
            if existing.is_active
            else _(
                "%(email)s has a deactivated account. Reactivate it on the person's page instead."
            )
        )
        raise SettingsError(message % {"email": email}, field="email", code="has_account")
    pending = (
        Invitation.objects.select_for_update()
        .filter(
            municipality=municipality,
            email=email,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .first()
    )
    replaced = None
    if pending is not None:
        if pending.status == InvitationStatus.WAITING:
            raise SettingsError(
                _(
                    "%(email)s was already invited on %(date)s. "
                    "That invitation can be used until %(until)s."
                )
                % {
                    "email": email,
                    "date": formats.date_format(timezone.localtime(pending.created_at)),
                    "until": formats.date_format(timezone.localtime(pending.expires_at)),
                },
                field="email",
                code="already_invited",
            )
        pending.withdrawn_at = timezone.now()
        pending.save(update_fields=["withdrawn_at"])
        replaced = pending.pk
    key = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                municipality=municipality,
                email=email,
                unit=unit,
                role=role,
                is_lead=is_lead,
                key_hash=hash_key(key),
                invited_by=acting_user if getattr(acting_user, "pk", None) else None,
                expires_at=timezone.now() + VALID_FOR,
            )
    except IntegrityError:
        # Another request invited the same address a moment ago.
        raise SettingsError(
            _("%(email)s was invited a moment ago.") % {"email": email},
            field="email",
            code="already_invited",
        ) from None
    record(
        "invitation.create",
        actor=acting_user,
        obj=invitation,
        after=snapshot(invitation, *INVITATION_FIELDS),
        replaces=replaced,
    )
    link = accept_url(key)
    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation(invitation_id, link))
    # Only the e-mail carries the link; it is kept on the object for the caller's tests.
    invitation.accept_link = link
    return invitation


def send_invitation(invitation_id, link):
    invitation = Invitation.objects.select_related("unit", "municipality", "invited_by").get(
        pk=invitation_id
    )
    municipality = invitation.municipality
    with translation.override(municipality.default_language):
        inviter = invitation.invited_by
        subject = _("You are invited to %(municipality)s's social-media work") % {
            "municipality": municipality.name
        }
        body = _(
            "Hello,\n\n%(inviter)s invites you to take part in %(municipality)s's work with "
            "social media, as %(role)s in %(unit)s.\n\nOpen this link to set up your account: "
            "%(link)s\n\nThe link works once and until %(until)s. If you did not expect this "
            "e-mail, you can ignore it."
        ) % {
            "inviter": (inviter.get_full_name() or inviter.get_username())
            if inviter
            else municipality.name,
            "municipality": municipality.name,
            "role": invitation.get_role_display().lower(),
            "unit": invitation.unit.name,
            "link": link,
            "until": formats.date_format(
                timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"
            ),
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _lock_waiting(invitation):
    invitation = Invitation.objects.select_for_update().select_related("unit").get(pk=invitation.pk)
    status = invitation.status
    if status == InvitationStatus.ACCEPTED:
        raise SettingsError(_("This invitation has already been used."), conflict=True, code="used")
    if status == InvitationStatus.WITHDRAWN:
        raise SettingsError(_("This invitation was withdrawn."), conflict=True, code="withdrawn")
    if status == InvitationStatus.EXPIRED:
        raise SettingsError(
            _("This invitation has expired. Ask for a new one."), conflict=True, code="expired"
        )
    return invitation


@transaction.atomic
def withdraw_invitation(invitation, *, acting_user):
    invitation = _lock_waiting(invitation)
    before = snapshot(invitation, "withdrawn_at")
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    record(
        "invitation.withdraw",
        actor=acting_user,
        obj=invitation,
        before=before,
        after=snapshot(invitation, "withdrawn_at"),
    )
    return invitation


def check_new_password(password, *, email, first_name="", last_name=""):
    """Django's password validators, with the new account's own details to compare against."""
    user = get_user_model()(username=email, email=email, first_name=first_name, last_name=last_name)
    validate_password(password, user)


@transaction.atomic
def accept_invitation(invitation, *, first_name, last_name, password=None):
    """Open the invited person's account with the role they were invited to.

    With a password the person signs in with it; without one (single sign-on) the account has
    no usable password and the identity provider's login is matched to it by the e-mail
    address, which this link proved the person reads."""
    from allauth.account.models import EmailAddress

    invitation = _lock_waiting(invitation)
    User = get_user_model()
    if account_for_email(invitation.email) is not None:
        raise SettingsError(
            _("An account for %(email)s exists already. Sign in instead.")
            % {"email": invitation.email},
            conflict=True,
            code="has_account",
        )
    try:
        check_membership(None, invitation.unit, invitation.role, invitation.is_lead)
    except SettingsError as error:
        raise SettingsError(
            _("The invitation cannot be used any more: %(reason)s") % {"reason": error},
            conflict=True,
        ) from None
    if password is not None:
        try:
            check_new_password(
                password, email=invitation.email, first_name=first_name, last_name=last_name
            )
        except ValidationError as error:
            raise SettingsError(" ".join(error.messages), field="password1") from None
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_active=True,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    membership = Membership.objects.create(
        user=user, unit=invitation.unit, role=invitation.role, is_lead=invitation.is_lead
    )
    before = snapshot(invitation, "accepted_at", "accepted_user")
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    record(
        "invitation.accept",
        actor=user,
        obj=invitation,
        before=before,
        after=snapshot(invitation, "accepted_at", "accepted_user"),
        membership=membership.pk,
        single_sign_on=password is None,
    )
    return user
