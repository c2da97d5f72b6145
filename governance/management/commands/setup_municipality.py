"""Set the municipality up from a script, without a browser: its name, country, time zone,
language and website, and its communications lead (an existing account gets the role; anybody
else an invitation by e-mail, whose one-time link is printed too). Then prints the first run's
checklist.

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
        parser.add_argument(
            "--lead-email",
            default="",
            help="The communications lead: invited by e-mail (the one-time link is printed too; "
            "SITE_URL is its address), or given the role if they have an account.",
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
                result = setup_municipality(values, lead_email=options["lead_email"])
            except SetupError as exc:
                raise CommandError("\n".join(exc.problems)) from None
            self._report(result)

    def _report(self, result):
        municipality = result.municipality
        if result.municipality_created:
            self.stdout.write(_("Municipality created: %(name)s") % {"name": municipality.name})
        else:
            self.stdout.write(_("Municipality: %(name)s") % {"name": municipality.name})
        messages = {
            "invited": _("Invited as communications lead: %(email)s"),
            "waiting": _("An invitation to %(email)s is waiting to be used."),
            "joined": _("Communications lead now: %(email)s"),
            "lead": _("Communications lead: %(email)s"),
        }
        if result.lead_state:
            self.stdout.write(messages[result.lead_state] % {"email": result.lead_email})
        if result.invite_link:
            self.stdout.write(
                _("The invitation went by e-mail; its one-time link: %(link)s")
                % {"link": result.invite_link}
            )
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
