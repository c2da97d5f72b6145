"""What each platform takes in a post the municipality publishes: the longest text, how links
are counted, how many hashtags, and whether a picture is required, allowed or not offered.
Plain Python: the compose page's counter (as JSON), the server's check and the adapters read
the same table.

Sources: X counts every URL as 23 characters after t.co wrapping, 280 in all
(https://docs.x.com/fundamentals/counting-characters); LinkedIn Posts API `commentary`, 3,000
characters (https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api);
Facebook posts 63,206 characters; Instagram captions 2,200 characters and 30 hashtags
(https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

REQUIRED = "required"
ALLOWED = "allowed"
NOT_OFFERED = "none"

URL = re.compile(r"https?://\S+")
HASHTAG = re.compile(r"(?<![\w&])#\w+")


@dataclass(frozen=True)
class PostRules:
    max_length: int
    # Every link counts as this many characters (X's t.co); 0: as written.
    url_length: int = 0
    max_hashtags: int = 0
    picture: str = ALLOWED
    # Where the link goes: "parameter" (the platform's own link field, shown as a preview) or
    # "text" (added to the end of the text, where the reader can follow it).
    link_in: str = "text"

    def as_dict(self) -> dict:
        return asdict(self)


RULES: dict[str, PostRules] = {
    "facebook": PostRules(max_length=63206, link_in="parameter"),
    "instagram": PostRules(max_length=2200, max_hashtags=30, picture=REQUIRED),
    # LinkedIn's picture is uploaded through the Images API before the post names it.
    "linkedin": PostRules(max_length=3000),
    # Media upload on X goes through a separate upload API the product does not use.
    "x": PostRules(max_length=280, url_length=23, picture=NOT_OFFERED),
}

# Platforms whose API cannot publish the municipality's own posts (YouTube's Data API has no
# community posts), shown as such on the compose page.
NOT_PUBLISHABLE = ("youtube",)


def publishable(platform: str) -> bool:
    return platform in RULES


def full_text(platform: str, text: str, link: str = "") -> str:
    """The text as published on `platform`: the link added at the end where the platform takes
    it in the text (unless the text holds it already)."""
    text = (text or "").strip()
    link = (link or "").strip()
    rules = RULES.get(platform)
    if not link or rules is None or rules.link_in != "text" or link in text:
        return text
    return f"{text}\n\n{link}" if text else link


def length(platform: str, text: str) -> int:
    """The length of `text` as `platform` counts it."""
    rules = RULES[platform]
    if not rules.url_length:
        return len(text)
    links = URL.findall(text)
    return len(URL.sub("", text)) + rules.url_length * len(links)


def hashtags(text: str) -> int:
    return len(HASHTAG.findall(text or ""))


@dataclass(frozen=True)
class Problem:
    """One reason the post does not fit the platform: `code` and the numbers for a message."""

    code: str
    limit: int = 0
    value: int = 0


def problems(platform: str, text: str, *, link: str = "", picture: bool = False) -> list[Problem]:
    """Why a post with `text`, `link` and (or without) a picture cannot go to `platform`."""
    if platform not in RULES:
        return [Problem("not_publishable")]
    rules = RULES[platform]
    found = []
    published = full_text(platform, text, link)
    if not published.strip():
        found.append(Problem("empty"))
    counted = length(platform, published)
    if counted > rules.max_length:
        found.append(Problem("too_long", rules.max_length, counted))
    if rules.max_hashtags and hashtags(published) > rules.max_hashtags:
        found.append(Problem("too_many_hashtags", rules.max_hashtags, hashtags(published)))
    if rules.picture == REQUIRED and not picture:
        found.append(Problem("picture_required"))
    if rules.picture == NOT_OFFERED and picture:
        found.append(Problem("picture_not_offered"))
    return found
