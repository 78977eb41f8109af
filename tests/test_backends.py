"""Issue 12: every card declares its Keras backends; check runs them per backend and as a grid."""

import pytest

from cheatsheet import index
from cheatsheet.cardfile import BACKENDS, CardFormatError, parse_backends


def test_every_card_declares_or_explains_each_backend():
    for card in index.CARDS:
        assert card.backends, card.topic
        assert set(card.backends) | {name for name, _ in card.unsupported} == set(BACKENDS)
        for name, reason in card.unsupported:
            assert len(reason) > 20, (card.topic, name)


def test_the_field_reads_backends_and_reasons():
    assert parse_backends("x.py", 3, "tensorflow, jax; not torch: needs torch_xla") == (
        ("tensorflow", "jax"), {"torch": "needs torch_xla"})
    assert parse_backends("x.py", 3, "torch, tensorflow; not jax: one, two") == (
        ("tensorflow", "torch"), {"jax": "one, two"})
    assert parse_backends("x.py", 3, "tensorflow; not jax, torch: tf only") == (
        ("tensorflow",), {"jax": "tf only", "torch": "tf only"})


@pytest.mark.parametrize("value, message", [
    ("tensorflow, jax", "say whether the card runs on torch"),
    ("tensorflow, jax, nosuch; not torch: x", "unknown backend 'nosuch'"),
    ("tensorflow, jax; torch: x", "expected '; not NAME: reason'"),
    ("tensorflow, jax; not torch:", "expected '; not NAME: reason'"),
    ("; not tensorflow, jax, torch: nothing", "at least one backend"),
    ("tensorflow, jax, torch; not jax: twice", "named twice"),
])
def test_a_bad_field_names_file_and_line(value, message):
    with pytest.raises(CardFormatError, match=message) as caught:
        parse_backends("snippets/x.py", 9, value)
    assert str(caught.value).startswith("snippets/x.py:9: ")


def test_show_prints_the_backends_and_json_carries_them(cli):
    shown = cli("show", "distributed", "--color", "never")
    assert "runs on: tensorflow · not jax, torch: tf.distribute" in shown.out
    import json

    card = json.loads(cli("show", "cnn", "--json").out)
    assert card["backends"] == ["tensorflow", "jax", "torch"] and card["unsupported"] == {}
