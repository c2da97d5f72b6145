"""Constant template parts rendered once per language: the same pages, in every language."""

import copy
import re

import pytest
from django.template import Context, Engine
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation

from governance.template_folding import FoldedNode, fold, is_constant
from governance.testing import PASSWORD


def _plain(templates):
    """The project's template settings with Django's own cached loader instead."""
    plain = copy.deepcopy(templates)
    plain[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]
    return plain


def _folded(source):
    engine = Engine(
        libraries={"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"},
        loaders=[
            (
                "governance.template_folding.Loader",
                [("django.template.loaders.locmem.Loader", {"page.html": source})],
            )
        ],
    )
    return engine.get_template("page.html")


def _without_tokens(html: bytes) -> bytes:
    # CSRF tokens are masked afresh, and a reply's idempotency key drawn, on every request.
    html = re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1", html)
    return re.sub(rb'(name="idempotency_key" value=")[0-9a-f]{32}', rb"\1", html)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["comms", "manager_a", "expert"])
@pytest.mark.parametrize("language", ["da", "sv", "nb", "en"])
def test_pages_are_the_same_with_and_without_folding(client, org, persona, language, settings):
    from django.conf import settings as live

    # Given the pages a user opens, in their language
    client.cookies[live.LANGUAGE_COOKIE_NAME] = language
    assert client.login(username=persona, password=PASSWORD)
    urls = [
        reverse("dashboard"),
        reverse("moderation:queue"),
        reverse("moderation:queue") + "?status=all&platform=facebook",
        reverse("moderation:item-detail", args=[org.items["a"].pk]),
        reverse("accounts:channel-list"),
        reverse("governance:guidelines"),
    ]
    folded = [client.get(url) for url in urls]
    # When the same pages are rendered by Django's plain loader
    settings.TEMPLATES = _plain(live.TEMPLATES)
    plain = [client.get(url) for url in urls]
    # Then every page is byte for byte the same (but for the CSRF tokens' masks)
    for url, one, other in zip(urls, folded, plain, strict=True):
        assert one.status_code == other.status_code, url
        assert _without_tokens(one.content) == _without_tokens(other.content), url


def test_each_language_gets_its_own_text():
    template = _folded('{% load i18n %}<a href="{% url "dashboard" %}">{% translate "Queue" %}</a>')
    with translation.override("da"):
        assert template.render(Context()) == '<a href="/">Kø</a>'
    with translation.override("sv"):
        assert template.render(Context()) == '<a href="/">Kö</a>'
    with translation.override("da"):
        assert template.render(Context()) == '<a href="/">Kø</a>'


def test_links_follow_the_script_prefix():
    template = _folded('{% url "dashboard" %}|{% load static %}{% static "css/app.css" %}')
    try:
        set_script_prefix("/sociale-medier/")
        assert template.render(Context()).startswith("/sociale-medier/|")
    finally:
        set_script_prefix("/")
    assert template.render(Context()).startswith("/|")


def test_a_changed_setting_renders_afresh():
    template = _folded('{% load static %}{% static "css/app.css" %}')
    before = template.render(Context())
    with override_settings(
        STATIC_URL="/cdn/",
        STORAGES={
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        },
    ):
        assert template.render(Context()) == "/cdn/css/app.css"
    assert template.render(Context()) == before


@pytest.mark.parametrize(
    "source",
    [
        "{{ name }}",
        "{% load i18n %}{% translate name %}",
        '{% load i18n %}{% translate "Queue"|upper %}',
        '{% load i18n %}{% translate "Queue" as label %}',
        "{% load i18n %}{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}",
        "{% load i18n %}{% blocktranslate with n=name %}Hello{% endblocktranslate %}",
        '{% url "moderation:item-detail" item.pk %}',
        "{% url view_name %}",
        "{% load static %}{% static path %}",
        "{% csrf_token %}",
    ],
)
def test_nodes_that_read_the_context_are_never_folded(source):
    template = _folded("<p>" + source + "</p>")
    reading = [node for node in _all_nodes(template.nodelist) if not isinstance(node, FoldedNode)]
    assert any(not is_constant(node) for node in reading)


def test_branches_and_loop_bodies_are_folded_inside():
    template = _folded(
        '{% load i18n %}{% if show %}<b>{% translate "Queue" %}</b>'
        '{% else %}<i>{% translate "Channels" %}</i>{% endif %}'
        '{% for x in items %}<li>{{ x }} {% translate "Queue" %}</li>{% endfor %}'
    )
    folded = [node for node in _all_nodes(template.nodelist) if isinstance(node, FoldedNode)]
    assert len(folded) == 4
    with translation.override("en"):
        assert template.render(Context({"show": True, "items": [1, 2]})) == (
            "<b>Queue</b><li>1 Queue</li><li>2 Queue</li>"
        )
        assert template.render(Context({"show": False, "items": []})) == "<i>Channels</i>"


def _all_nodes(nodelist):
    for node in nodelist:
        yield node
        branches = getattr(node, "conditions_nodelists", None)
        children = (
            [nodes for _c, nodes in branches]
            if branches is not None
            else [getattr(node, name, None) or [] for name in node.child_nodelists]
        )
        for child in children:
            yield from _all_nodes(child)


def test_folding_twice_changes_nothing():
    template = _folded('{% load i18n %}<p>{% translate "Queue" %}</p>{{ x }}')
    before = list(template.nodelist)
    fold(template.nodelist)
    assert list(template.nodelist) == before
