"""A person's language: chosen with the language switch, used for what the product sends them."""

from django.core import mail
from django.utils import translation

from core.testing import PASSWORD
from governance.languages import language_for, languages_for
from governance.models import PersonPreference
from moderation.models import Notification, NotificationKind
from moderation.notify import notify


def test_the_language_switch_is_the_persons_choice_for_notices_and_e_mails(
    client, org, django_capture_on_commit_callbacks
):
    expert, monitor = org.users["expert"], org.users["monitor"]
    # Nobody chose: the municipality's language
    assert language_for(expert) == "da"
    assert client.login(username="expert", password=PASSWORD)
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert response.status_code == 302
    assert PersonPreference.objects.get(user=expert).language == "sv"
    # A language the product does not speak changes nothing
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert language_for(expert) == "sv"
    assert languages_for([expert, monitor]) == {expert.pk: "sv", monitor.pk: "da"}

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(
            [expert, monitor],
            NotificationKind.ASSIGNED,
            message=lambda: translation.gettext("An item was assigned to you."),
        )
    by_person = dict(Notification.objects.values_list("user__username", "message"))
    assert by_person == {
        "expert": "Ett ärende har tilldelats dig.",
        "monitor": "En sag er tildelt dig.",
    }
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[expert.email] != subjects[monitor.email]


def test_signing_out_or_in_anonymously_stores_nothing(client, org):
    client.post("/i18n/setlang/", {"language": "nb", "next": "/"})
    assert not PersonPreference.objects.exists()
