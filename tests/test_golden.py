"""Golden files of `show` (plain mode): a rendering change shows up in review as a diff.

Regenerate after an intended change with: make golden (then review the diff).
"""

import os
from pathlib import Path

import pytest

from cheatsheet.cards import index

GOLDEN_DIR = Path(__file__).parent / "golden"


@pytest.mark.parametrize("topic", [card.topic for card in index.CARDS])
def test_show_output_matches_golden_file(cli, topic):
    result = cli("show", topic, "--color", "never")
    assert result.status == 0, result.err
    golden = GOLDEN_DIR / f"show-{topic}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.out, encoding="utf-8")
    assert golden.is_file(), f"no golden file yet: run make golden ({golden.name})"
    assert result.out == golden.read_text(encoding="utf-8")


def test_every_golden_file_belongs_to_a_card():
    topics = {card.topic for card in index.CARDS}
    assert {path.stem.removeprefix("show-") for path in GOLDEN_DIR.glob("show-*.txt")} <= topics
