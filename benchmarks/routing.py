"""Benchmark of routing by topic: how often `moderation.routing.rank` suggests the right
department for citizens' questions, with the demo municipality's department topics.

The questions (`routing_questions.json`) are written as citizens write them, each labelled with
the department that should answer it. Prints the share where the right department comes first
and where it is among the first three, the questions it missed, and the time per question. Run
from the project root::

    python benchmarks/routing.py [--misses]

No Django and no database are needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from governance.demo_topics import DEPARTMENT_TOPICS  # noqa: E402
from moderation.routing import compile_topics, rank  # noqa: E402

QUESTIONS = HERE / "routing_questions.json"


def load_questions(path=QUESTIONS):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def evaluate(questions, topics=DEPARTMENT_TOPICS):
    """(share right first, share right in the first three, misses as (text, wanted, got))."""
    units = compile_topics(
        (index, name, terms) for index, (name, (terms, _kle)) in enumerate(topics.items())
    )
    first = top3 = 0
    misses = []
    for question in questions:
        names = [suggestion.name for suggestion in rank(question["text"], units, limit=3)]
        if names[:1] == [question["department"]]:
            first += 1
        else:
            misses.append((question["text"], question["department"], names))
        if question["department"] in names:
            top3 += 1
    total = len(questions) or 1
    return first / total, top3 / total, misses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the questions missed")
    args = parser.parse_args()
    questions = load_questions()
    started = time.perf_counter()
    first, top3, misses = evaluate(questions)
    elapsed = time.perf_counter() - started
    print(f"questions: {len(questions)}")
    print(f"right department first: {first:.1%}")
    print(f"right department in the first three: {top3:.1%}")
    print(f"time per question: {elapsed / max(len(questions), 1) * 1000:.2f} ms")
    if args.misses:
        for text, wanted, got in misses:
            print(f"- {wanted} <- {got or 'no suggestion'}: {text}")


if __name__ == "__main__":
    main()
