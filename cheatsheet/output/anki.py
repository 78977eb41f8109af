"""`export --format anki`: the quiz's questions as an Anki deck (.apkg), one note per question.

Each note's guid is derived from the question's id ("predict:cnn:params"), which does not change
when a card's text does, so importing an updated deck updates its notes instead of adding copies.
genanki is an optional dependency (the `anki` extra), imported only here.
"""

import html
import os
import tempfile

from ..errors import CheatsheetError

# Fixed ids: Anki matches the note type and the deck of a re-import by them.
MODEL_ID = 1_907_419_019
DECK_ID = 1_907_419_020
DECK_NAME = "Keras 3 cheatsheet"
FIELDS = ("Id", "Kind", "Topic", "Front", "Back")

CSS = """
.card { font-family: system-ui, sans-serif; font-size: 17px; text-align: left; color: #1d232b;
  background: #fff; }
pre { background: #f6f8fa; border: 1px solid #d9dee5; border-radius: 6px; padding: .6em;
  font-size: 14px; overflow-x: auto; }
ol.choices { list-style: lower-alpha; }
.kind { color: #5b6470; font-size: 13px; }
.k { color: #8f2fae; font-weight: 600; } .s { color: #0b7a3a; } .n { color: #0b5cad; }
.c { color: #6a737d; font-style: italic; } .f { color: #b4410e; font-weight: 600; }
.nightMode pre { background: #22262c; }
"""


def genanki_module():
    try:
        import genanki
    except ImportError:
        raise CheatsheetError("the anki export needs genanki: pip install "
                              "'keras-cheatsheet[anki]' (or pip install genanki)") from None
    return genanki


def inline(text):
    import re

    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def front(question):
    from ..quiz import KIND_LABELS
    from .html import highlight_html

    parts = [f'<div class="kind">{KIND_LABELS[question.kind]} · {question.topic}</div>',
             f"<p>{inline(question.prompt)}</p>"]
    if question.code:
        parts.append(f"<pre><code>{highlight_html(question.code)}</code></pre>")
    if question.choices:
        parts.append('<ol class="choices">' + "".join(
            f"<li>{inline(choice)}</li>" for choice in question.choices) + "</ol>")
    return "\n".join(parts)


def back(question):
    from ..quiz import answer_text

    answer = answer_text(question)
    answer = (f"<pre><code>{html.escape(answer)}</code></pre>" if question.kind == "fill-the-gap"
              else f"<p><b>{inline(answer)}</b></p>")
    return (f"{answer}\n<p>{inline(question.why)}</p>\n"
            f"<p><code>cheatsheet show {question.topic}</code></p>")


def note_guid(question_id):
    return genanki_module().guid_for("keras-cheatsheet", question_id)


def package(cards):
    """The .apkg bytes of every question the cards make (seed 0: the same choices each time)."""
    from ..quiz import questions

    genanki = genanki_module()
    model = genanki.Model(
        MODEL_ID, "Keras cheatsheet question", fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Question", "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}],
        css=CSS, sort_field_index=0)
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for question in questions(cards, seed=0):
        deck.add_note(genanki.Note(
            model=model, guid=note_guid(question.id), tags=[question.kind, question.topic],
            fields=[question.id, question.kind, question.topic, front(question),
                    back(question)]))
    descriptor, path = tempfile.mkstemp(suffix=".apkg", prefix=".cheatsheet-")
    os.close(descriptor)
    try:
        genanki.Package(deck).write_to_file(path)
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)
