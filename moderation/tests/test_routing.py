"""Routing by topic: the matcher on its own (inflection, compounds, phrases, word boundaries,
ranking), the benchmark's floor on the committed citizens' questions, and the suggestion where
users meet it: the forward dialog on the item page and the item in the API."""

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.testing import PASSWORD
from moderation.models import QueueItem
from moderation.routing import normalise, rank, stem, words

UNITS = [
    (1, "Affald og Genbrug", ["affald", "skraldespand", "afhentning", "genbrugsplads"]),
    (2, "Veje og Trafik", ["vej", "fortov", "hul i vejen", "snerydning"]),
    (3, "Biblioteker", ["bibliotek", "lånekort", "bog"]),
]


def _names(text, units=UNITS):
    return [suggestion.name for suggestion in rank(text, units)]


# --- The matcher


def test_normalising_drops_accents_but_keeps_the_danish_letters():
    assert normalise("Café Ærø Åbenrå") == "cafe ærø åbenrå"
    # Swedish spellings meet Danish and Norwegian ones.
    assert normalise("Förskola och sophämtning") == "førskola och sophæmtning"
    assert words("Hvornår?! Skraldespanden, tak.") == ["hvornår", "skraldespanden", "tak"]


@pytest.mark.parametrize(
    "form",
    ["skraldespand", "skraldespanden", "skraldespande", "skraldespandene", "skraldespandens"],
)
def test_inflected_forms_share_a_stem(form):
    assert stem(form) == stem("skraldespand")


def test_definite_and_plural_forms_match():
    assert _names("Skraldespandene blev ikke tømt") == ["Affald og Genbrug"]
    assert _names("Hvornår åbner genbrugspladsen?") == ["Affald og Genbrug"]
    assert _names("Bøgerne på biblioteket er slidte") == ["Biblioteker"]
    assert _names("Fortovene er glatte") == ["Veje og Trafik"]


def test_a_topic_word_matches_inside_a_compound():
    assert _names("Må madaffaldet stå ude?") == ["Affald og Genbrug"]
    assert _names("Hvor er affaldssorteringen?") == ["Affald og Genbrug"]
    [suggestion] = rank("Hvor er affaldsspanden?", UNITS)
    assert suggestion.matched == ["affald"]


def test_no_match_inside_unrelated_words():
    # "vej" is not in "vejret" or "vejledning"; "bog" is not in "bogstav"; "affald" not in "faldt".
    assert _names("Hvordan bliver vejret? Jeg fik vejledning om bogstaver, og jeg faldt.") == []
    assert _names("") == []


def test_case_and_accents_do_not_matter():
    assert _names("SKRALDESPAND!") == ["Affald og Genbrug"]
    assert _names("LÅNEKORTET virker ikke") == ["Biblioteker"]


def test_a_phrase_weighs_more_than_a_single_word():
    units = [(1, "Affald", ["affald"]), (2, "Veje", ["hul i vejen"])]
    # One word for each; the phrase wins.
    assert _names("Der er affald i et hul i vejen", units) == ["Veje", "Affald"]
    # The phrase's words apart are not the phrase.
    assert _names("Der er et hul ved siden af vejen", units) == []


def test_departments_are_ranked_by_their_matches_with_the_reason():
    text = "Skraldespanden står på fortovet, og afhentningen er forsinket."
    first, second = rank(text, UNITS)
    assert (first.name, first.matched) == ("Affald og Genbrug", ["skraldespand", "afhentning"])
    assert (second.name, second.matched) == ("Veje og Trafik", ["fortov"])
    assert first.score > second.score
    assert rank(text, UNITS, limit=1) == [first]


def test_topics_in_other_languages():
    units = [(1, "Affald", ["sopor", "avfall", "waste"]), (2, "Børn", ["förskola"])]
    assert _names("När hämtas soporna?", units) == ["Affald"]
    assert _names("Hvor kaster jeg avfallet?", units) == ["Affald"]
    assert _names("Is there a waste collection on Monday?", units) == ["Affald"]
    assert _names("Förskolan har stängt", units) == ["Børn"]


def test_the_citizens_questions_are_routed_right_at_least_four_times_in_five():
    benchmarks = Path(settings.BASE_DIR) / "benchmarks"
    sys.path.insert(0, str(benchmarks))
    try:
        from routing import evaluate, load_questions
    finally:
        sys.path.remove(str(benchmarks))
    questions = load_questions()
    assert len(questions) >= 50
    first, top3, _misses = evaluate(questions)
    assert first >= 0.8
    assert top3 >= first


# --- Where users meet it


@pytest.fixture
def routed(org):
    """Department A answers about waste; B about roads but has no expert to forward to."""
    from governance.models import OrgUnit

    OrgUnit.objects.filter(pk=org.units["dept_a"].pk).update(
        topics=["affald", "skraldespand", "afhentning"]
    )
    OrgUnit.objects.filter(pk=org.units["dept_b"].pk).update(topics=["vej", "fortov"])
    item = org.items["central"]
    QueueItem.objects.filter(pk=item.pk).update(
        text="Skraldespanden står på fortovet, og afhentningen er ikke sket."
    )
    return org


def _as(client, persona):
    assert client.login(username=persona, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_the_forward_dialog_suggests_the_department_with_the_reason(client, routed):
    item = routed.items["central"]
    response = _as(client, "comms").get(reverse("moderation:item-detail", args=[item.pk]))
    assert response.status_code == 200
    suggestion = response.context["routing_suggestion"]
    # Department B matches "fortov" but nobody there could take the question.
    assert (suggestion.unit_id, suggestion.matched) == (
        routed.units["dept_a"].pk,
        ["skraldespand", "afhentning"],
    )
    assert response.context["forward_form"].initial["to_unit"] == routed.units["dept_a"].pk
    page = response.content.decode()
    assert "Suggested: Afdeling A — matched ‘skraldespand’, ‘afhentning’" in page
    assert f'<option value="{routed.units["dept_a"].pk}" selected>' in page


@pytest.mark.django_db
def test_no_suggestion_when_no_topic_matches(client, routed):
    item = routed.items["central"]
    QueueItem.objects.filter(pk=item.pk).update(text="Tak for en dejlig dag i byen!")
    response = _as(client, "comms").get(reverse("moderation:item-detail", args=[item.pk]))
    assert response.context["routing_suggestion"] is None
    assert "to_unit" not in response.context["forward_form"].initial
    assert 'data-testid="routing-suggestion"' not in response.content.decode()


@pytest.mark.django_db
def test_the_suggestion_is_shown_in_danish(client, routed):
    item = routed.items["central"]
    assert client.login(username="comms", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    page = client.get(reverse("moderation:item-detail", args=[item.pk])).content.decode()
    assert "Forslag: Afdeling A — matchede ‘skraldespand’, ‘afhentning’" in page


@pytest.mark.django_db
def test_the_api_item_carries_the_suggested_departments(client, routed):
    item = routed.items["central"]
    body = _as(client, "comms").get(reverse("item-detail", args=[item.pk])).json()
    assert body["suggested_departments"] == [
        {
            "unit": routed.units["dept_a"].pk,
            "name": "Afdeling A",
            "score": 2.0,
            "matched": ["skraldespand", "afhentning"],
        }
    ]
    listed = client.get(reverse("item-list")).json()["results"]
    assert all("suggested_departments" not in row for row in listed)


@pytest.mark.django_db
def test_those_who_may_not_forward_get_no_suggestion(client, routed):
    item = routed.items["a"]
    QueueItem.objects.filter(pk=item.pk).update(text="Skraldespanden er væk")
    response = _as(client, "manager_a").get(reverse("item-detail", args=[item.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["suggested_departments"] == []
