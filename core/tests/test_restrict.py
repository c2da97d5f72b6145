"""`restrict(user, action)`: a single object is fetched from the same scope as the list."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from moderation.models import QueueItem, Record


@pytest.mark.django_db
def test_whole_set_rules_restrict_to_everything_or_nothing(org):
    # Given the communications team and an editor, when each asks for the records they may read
    team = Record.objects.restrict(org.users["comms"], "moderation.records")
    editor = Record.objects.restrict(org.users["editor"], "moderation.records")
    # Then the team's scope is every record and the editor's is empty
    assert team.query.is_empty() is False
    assert editor.query.is_empty() is True


@pytest.mark.django_db
def test_scoped_rules_use_the_lists_scope(org):
    user = org.users["editor"]
    restricted = QueueItem.objects.restrict(user, "moderation.view_item")
    assert str(restricted.query) == str(QueueItem.objects.for_user(user).query)


def test_an_action_the_queryset_does_not_name_is_refused():
    with pytest.raises(ImproperlyConfigured):
        QueueItem.objects.restrict(None, "moderation.handle_item")
