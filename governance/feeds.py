"""An Atom feed of adopted policy versions, so staff can follow new guidelines in a feed reader."""

from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import can

from .models import PolicyStatus, PolicyVersion
from .policy import guideline_settings
from .views_guidelines import current_municipality


class AdoptedVersionsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Adopted guideline versions")
    subtitle = gettext_lazy("Each version of the municipality's policies when it was adopted.")

    def __call__(self, request, *args, **kwargs):
        municipality = current_municipality()
        if not guideline_settings(municipality).guidelines_public and not can(
            request.user, "governance.read_guidelines"
        ):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        self.municipality = municipality
        return super().__call__(request, *args, **kwargs)

    def link(self):
        return reverse("governance:guidelines")

    def items(self):
        return (
            PolicyVersion.objects.filter(
                policy__municipality=self.municipality,
                status__in=[PolicyStatus.ADOPTED, PolicyStatus.SUPERSEDED],
                in_force_from__isnull=False,
            )
            .select_related("policy")
            .order_by("-in_force_from")[:30]
        )

    def item_title(self, item):
        return _("%(policy)s, version %(number)s") % {
            "policy": item.policy.title,
            "number": item.number,
        }

    def item_description(self, item):
        parts = [
            _("Adopted by %(body)s on %(date)s.")
            % {"body": item.adopted_by or "–", "date": item.adopted_on or "–"}
        ]
        if item.reference:
            parts.append(_("Reference: %(reference)s.") % {"reference": item.reference})
        if item.change_note:
            parts.append(item.change_note)
        return " ".join(parts)

    def item_link(self, item):
        # Staff read the version in force; older versions are described in the entry itself.
        return reverse("governance:guidelines")

    def item_guid(self, item):
        return f"policy-version-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.in_force_from

    def item_updateddate(self, item):
        return item.in_force_from
