"""The yearly plan as an iCalendar file (RFC 5545), written with the standard library:
CRLF line ends, lines folded at 75 octets, escaped text, all-day events with DATE values."""

from datetime import UTC, timedelta

PRODID = "-//Social media governance//Annual plan//EN"


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets, never splitting a UTF-8
    character (RFC 5545 §3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts towards their 75 octets.
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _date(value):
    return value.strftime("%Y%m%d")


def _stamp(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(*, uid, stamp, start, end, summary, description="", categories=()):
    """One all-day VEVENT from `start` to `end` inclusive (DTEND is exclusive in iCalendar)."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(stamp)}",
        f"DTSTART;VALUE=DATE:{_date(start)}",
        f"DTEND;VALUE=DATE:{_date(end + timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in categories if c))
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, events) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for lines_of_event in events:
        lines.extend(lines_of_event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
