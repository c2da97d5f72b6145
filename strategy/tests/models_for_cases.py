"""Strategy objects the permission cases and view tests point at."""

from datetime import date

from strategy.models import Goal, PlanItem, PlanItemKind, YearTheme


def goal():
    found, _ = Goal.objects.get_or_create(
        title="Svartider under en time",
        defaults={
            "metric": "median_answer_minutes",
            "target_value": 60,
            "start_date": date(2026, 1, 1),
            "deadline": date(2026, 12, 31),
        },
    )
    return found


def theme():
    found, _ = YearTheme.objects.get_or_create(
        title="Sundhed", defaults={"start_date": date(2026, 3, 1), "end_date": date(2026, 5, 31)}
    )
    return found


def plan_item():
    found, _ = PlanItem.objects.get_or_create(
        title="Sommerkampagne for badevand",
        defaults={
            "kind": PlanItemKind.CAMPAIGN,
            "start_date": date(2026, 6, 1),
            "end_date": date(2026, 8, 15),
        },
    )
    return found


def post(org, *, submitted=False):
    """Department A's draft (by its editor, on its Facebook page), or sent for approval."""
    from strategy import publishing
    from strategy.models import Post

    found = Post.objects.filter(title="Badevand").first()
    if found is None:
        found = publishing.save_draft(
            None,
            acting_user=org.users["editor"],
            title="Badevand",
            text="Badevandet er rent i år.",
            channels=[org.channels["a"]],
        )
    if submitted and found.status == "draft":
        publishing.submit(found, acting_user=org.users["editor"])
        found.refresh_from_db()
    return found


def own_post(channel):
    """A post of `channel` (department A's in the cases), published this month."""
    from django.utils import timezone

    from strategy.models import OwnPost, PostSource

    found, _ = OwnPost.objects.get_or_create(
        channel=channel,
        external_id="case-post-1",
        defaults={
            "published_at": timezone.now(),
            "text": "Vi søger nye dagplejere",
            "permalink": "https://www.facebook.com/1/posts/2",
            "source": PostSource.FOUND,
            "reach": 1200,
            "reactions": 40,
            "comments": 5,
            "shares": 3,
        },
    )
    return found
