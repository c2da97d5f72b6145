"""Set the municipality up from a script, without a browser: its name, country, time zone,
language and website, and the communications lead's account with a one-time link to choose a
password (printed, or sent by e-mail). Then prints the first run's checklist.

Running it again with the same flags changes nothing; flags left out keep their values.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.first_run import checklist
from governance.models import Language, Municipality
from governance.setup_actions import SetupError, setup_municipality


def _language(options):
    if options["language"] in Language.values:
        return options["language"]
    municipality = Municipality.objects.current()
    return municipality.default_language if municipality else settings.LANGUAGE_CODE


class Command(BaseCommand):
    help = "Create or update the municipality and its communications lead; print the checklist."

    def add_arguments(self, parser):
        parser.add_argument("--name", help="The municipality's name, e.g. 'Testby Kommune'.")
        parser.add_argument("--country", help="DK, SE or NO.")
        parser.add_argument("--time-zone", help="e.g. Europe/Copenhagen (default: the country's).")
        parser.add_argument(
            "--language", help="The default language: da, sv, nb or en (default: the country's)."
        )
        parser.add_argument("--website", help="The municipality's website address.")
        parser.add_argument("--lead-email", default="", help="The communications lead's e-mail.")
        parser.add_argument(
            "--lead-name", default="", help="The lead's full name, for a new account."
        )
        parser.add_argument(
            "--invite",
            choices=["link", "email", "none"],
            default="link",
            help="How a lead without a password gets in: a printed one-time link (default), "
            "the same link by e-mail, or nothing.",
        )
        parser.add_argument(
            "--base-url", default="", help="The product's address for the link (default: SITE_URL)."
        )

    def handle(self, *args, **options):
        with translation.override(_language(options)):
            values = {
                "name": options["name"],
                "country": options["country"],
                "time_zone": options["time_zone"],
                "default_language": options["language"],
                "website": options["website"],
            }
            try:
                result = setup_municipality(
                    values,
                    lead_email=options["lead_email"],
                    lead_name=options["lead_name"],
                    invite=options["invite"],
                    base_url=options["base_url"],
                )
            except SetupError as exc:
                raise CommandError("\n".join(exc.problems)) from None
            self._report(result)

    def _report(self, result):
        municipality = result.municipality
        if result.municipality_created:
            self.stdout.write(_("Municipality created: %(name)s") % {"name": municipality.name})
        else:
            self.stdout.write(_("Municipality: %(name)s") % {"name": municipality.name})
        if result.lead is not None:
            message = (
                _("New communications lead: %(email)s")
                if result.lead_created
                else _("Communications lead: %(email)s")
            )
            self.stdout.write(message % {"email": result.lead.email})
            if result.invite_emailed:
                self.stdout.write(_("A one-time link to choose a password was sent by e-mail."))
            elif result.invite_link:
                self.stdout.write(
                    _("One-time link to choose a password: %(link)s") % {"link": result.invite_link}
                )
            elif result.lead.has_usable_password():
                self.stdout.write(_("The lead already has a password."))
        steps = checklist()
        self.stdout.write("")
        self.stdout.write(
            ngettext(
                "Getting started: %(done)d of %(total)d step done.",
                "Getting started: %(done)d of %(total)d steps done.",
                len(steps),
            )
            % {"done": sum(step.done for step in steps), "total": len(steps)}
        )
        for step in steps:
            mark = "[x]" if step.done else "[ ]"
            self.stdout.write(f"{mark} {step.label}")
