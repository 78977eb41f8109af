"""`export`: the whole sheet (or some cards) as Markdown, a Jupyter notebook or one web page.

Every code block is read from the snippet files through SnippetSource, the same text the tests
run: there is no second copy of any card's code. Markdown and notebook need only the standard
library (the notebook JSON is written by hand, nbformat 4.5, so nbformat stays a test-only
dependency); html embeds the plots that need no training, which imports matplotlib and keras.
"""

import base64
import html as html_lib
import json
import re

from .. import __version__
from ..cards import index
from ..cards.source import SnippetSource, display_path, test_path
from ..errors import CheatsheetError
from .html import highlight_html, inline
from .render import PITFALLS_HEADING, SEE_ALSO_HEADING

FORMATS = ("markdown", "notebook", "html", "anki")
EXTENSIONS = {"markdown": ".md", "notebook": ".ipynb", "html": ".html", "anki": ".apkg"}
TITLE = "Keras 3 deep-learning cheatsheet"

# The cards whose picture needs no training (demos.plots draws it as fast as a lookup does
# not, but in a second or two): the web page embeds these, under the card of the same name.
PLOTTED_CARDS = ("activations", "lr-schedule")


def in_roadmap_order(cards):
    """The given cards once each, in the order of the index (which is roadmap order)."""
    chosen = {card.topic for card in cards}
    return [card for card in index.CARDS if card.topic in chosen]


def sections_of(cards):
    """(section, why, [cards]) in roadmap order, for the given cards only."""
    chosen = {card.topic for card in cards}
    return [(section, why, [card for card in section_cards if card.topic in chosen])
            for section, why, section_cards in index.cards_by_section()
            if any(card.topic in chosen for card in section_cards)]


def export(format, cards, **options):
    """The export of `cards` in `format` (one of FORMATS), as text."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    if format == "anki":
        raise CheatsheetError("an Anki deck is a binary package, not text: name a file, "
                              "e.g. --out sheet.apkg")
    return {"markdown": markdown, "notebook": notebook, "html": page}[format](cards, **options)


def target_path(format, path):
    """PATH, or PATH/cheatsheet.<extension> when PATH is a directory."""
    from .files import target

    return target(path, f"cheatsheet{EXTENSIONS[format]}")


def write(format, cards, path, force=False):
    """Export `cards` to `path` atomically, never over a file without `force`; return the path."""
    from .files import write_new

    if format == "anki":  # the quiz's questions as flashcards (cheatsheet/output/anki.py)
        from . import anki

        return write_new(target_path(format, path), anki.package(cards), force=force)
    return write_new(target_path(format, path), export(format, cards), force=force)


def title_of(topic):
    card = index.find(topic)
    return card.title if card else topic


def source_line(card):
    return (f"{display_path(card)}, tested in {test_path(card)}; "
            f"runnable script: cheatsheet copy {card.topic}")


# -- Markdown -------------------------------------------------------------------------------------

def slug(text):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def fence(code, language="python"):
    """A fenced block whose fence is longer than any run of backticks inside the code."""
    ticks = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", code)), default=0))
    return f"{ticks}{language}\n{code.rstrip()}\n{ticks}"


def markdown(cards):
    sections = sections_of(cards)
    exported = {card.topic for card in cards}
    parts = [f"# {TITLE}", "",
             f"Every code block is read from the tested snippet files of keras-cheatsheet "
             f"{__version__}. `cheatsheet copy TOPIC` writes a card's runnable script.", "",
             "## Contents", ""]
    for number, (section, _, section_cards) in enumerate(sections, start=1):
        links = ", ".join(f"[{card.title}](#{slug(card.title)})" for card in section_cards)
        parts.append(f"{number}. [{section}](#{slug(section)}): {links}")
    for section, why, section_cards in sections:
        parts += ["", f"## {section}", "", f"*{why}*"]
        for card in section_cards:
            source = SnippetSource.of(card)
            parts += ["", f"### {card.title}", "",
                      f"`{card.topic}` · aliases: {', '.join(card.aliases)}", "",
                      f"**{card.summary}**", "", card.note, "",
                      fence(source.copy_ready(card.functions)), "",
                      f"**{PITFALLS_HEADING}**", ""]
            parts += [f"- {pitfall}" for pitfall in card.pitfalls]
            parts += ["", f"Source: {source_line(card)}."]
            if card.see_also:  # a link where the card is in this document, else its name
                links = ", ".join(f"[{title_of(topic)}](#{slug(title_of(topic))})"
                                  if topic in exported else f"{title_of(topic)} (`{topic}`)"
                                  for topic in card.see_also)
                parts.append(f"{SEE_ALSO_HEADING} {links}.")
    return "\n".join(parts) + "\n"


# -- Jupyter notebook -----------------------------------------------------------------------------

def _lines(text):
    """Cell source the way Jupyter stores it: a list of lines that keep their newlines."""
    return text.splitlines(keepends=True)


def markdown_cell(cell_id, text):
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(text)}


def code_cell(cell_id, code):
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": None,
            "outputs": [], "source": _lines(code.rstrip("\n"))}


def notebook(cards):
    """nbformat 4.5 JSON: per card a markdown cell (note and pitfalls), its code, its demo run."""
    cells = [markdown_cell("title", (
        f"# {TITLE}\n\nFrom keras-cheatsheet {__version__}. Each card is a note, the card's "
        "code (its whole tested snippet file, imports to `demo()`) and a cell that runs the demo. "
        "Run a card's cells in order: cards reuse names such as `demo`."))]
    for section, why, section_cards in sections_of(cards):
        cells.append(markdown_cell(f"section-{slug(section)}", f"## {section}\n\n*{why}*"))
        for card in section_cards:
            source = SnippetSource.of(card)
            pitfalls = "\n".join(f"- {pitfall}" for pitfall in card.pitfalls)
            cells.append(markdown_cell(f"{card.topic}-note", (
                f"### {card.title}\n\n**{card.summary}**\n\n{card.note}\n\n"
                f"**{PITFALLS_HEADING}**\n\n{pitfalls}\n\nSource: {source_line(card)}.")))
            cells.append(code_cell(f"{card.topic}-code", source.body()))
            cells.append(code_cell(f"{card.topic}-demo", source.main_body() or "demo()"))
    document = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# -- HTML -----------------------------------------------------------------------------------------

# render.code_spans kinds -> the page's CSS classes
def plotted(card):
    """The name of the plot the page embeds for this card, or None."""
    from ..demos import plots

    return card.topic if card.topic in PLOTTED_CARDS and card.topic in plots.PLOTS else None


def default_png(name, seed=0):
    from ..demos import plots

    return plots.png_bytes(name, seed=seed)


def figure(name, png):
    """The plot as an <img> with a PNG data URI, or a note saying why it is missing."""
    from ..demos import plots

    try:
        data = base64.b64encode(png(name, seed=0)).decode("ascii")
    except CheatsheetError as error:  # e.g. no TensorFlow or matplotlib where the page is made
        return (f'<p class="plot-missing">Plot "{name}" not embedded: '
                f"{html_lib.escape(str(error))}</p>")
    what = plots.PLOTS[name][0]
    caption = html_lib.escape(f"{what[:1].upper()}{what[1:]} (cheatsheet plot {name}).")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>")


def page(cards, png=None):
    """One self-contained HTML page: no request leaves it (its CSP forbids any).

    `png(name, seed=0)` draws the embedded plots (default: cheatsheet.demos.plots.png_bytes).
    """
    png = png or default_png
    sections = sections_of(cards)
    exported = {card.topic for card in cards}
    toc, body = [], []
    for number, (section, why, section_cards) in enumerate(sections, start=1):
        anchor = f"section-{slug(section)}"
        links = "".join(f'<li><a href="#card-{card.topic}">{html_lib.escape(card.title)}</a></li>'
                        for card in section_cards)
        toc.append(f'<li><a href="#{anchor}">{html_lib.escape(section)}</a><ul>{links}</ul></li>')
        body.append(f'<section id="{anchor}"><h2>{number}. {html_lib.escape(section)}</h2>'
                    f'<p class="why">{inline(why)}</p>')
        for card in section_cards:
            body.append(card_html(card, png, exported))
        body.append("</section>")
    return TEMPLATE.format(
        title=html_lib.escape(TITLE), version=__version__, count=len(in_roadmap_order(cards)),
        style=STYLE, script=SCRIPT, toc="\n".join(toc), body="\n".join(body))


def card_html(card, png, exported):
    source = SnippetSource.of(card)
    code = highlight_html(source.copy_ready(card.functions).rstrip("\n"))
    title = html_lib.escape(card.title)
    pitfalls = "".join(f"<li>{inline(pitfall)}</li>" for pitfall in card.pitfalls)
    meta = (f"<code>{display_path(card)}</code>, tested in "
            f"<code>{test_path(card)}</code> · runnable script: "
            f"<code>cheatsheet copy {card.topic}</code>")
    if card.see_also:  # a link where the card is on this page, else its name
        meta += f" · {SEE_ALSO_HEADING} " + ", ".join(
            f'<a href="#card-{topic}">{html_lib.escape(title_of(topic))}</a>'
            if topic in exported else
            f"{html_lib.escape(title_of(topic))} (<code>{topic}</code>)"
            for topic in card.see_also)
    name = plotted(card)
    plot = figure(name, png) + "\n" if name else ""
    return (f'<article class="card" id="card-{card.topic}">\n'
            f'<h3>{title} <span class="topic">{card.topic}</span></h3>\n'
            f'<p class="summary">{inline(card.summary)}</p>\n'
            f'<p class="note">{inline(card.note)}</p>\n'
            f'{plot}<div class="code"><button class="copy" type="button" '
            f'aria-label="Copy the code of {title}">Copy</button>'
            f"<pre><code>{code}</code></pre></div>\n"
            f"<h4>{PITFALLS_HEADING}</h4>\n"
            f'<ul class="pitfalls">{pitfalls}</ul>\n'
            f'<p class="meta">{meta}</p>\n'
            "</article>")


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p>{count} cards from keras-cheatsheet {version}. Every code block is the tested code of its card;
<code>cheatsheet copy TOPIC</code> writes the runnable script.</p>
</header>
<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>
{toc}
</ol></nav>
<main>
{body}
</main>
<script>{script}</script>
</body>
</html>
"""

STYLE = """
:root { --ink: #1d232b; --muted: #5b6470; --line: #d9dee5; --paper: #fff; --code: #f6f8fa;
  --accent: #b4410e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 1.5rem; color: var(--ink);
  background: var(--paper); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  display: grid; grid-template-columns: 15rem 1fr; gap: 0 2rem; }
header { grid-column: 1 / -1; border-bottom: 3px solid var(--accent); margin-bottom: 1rem; }
header h1 { margin: 0 0 .25rem; font-size: 1.8rem; }
header p { margin: 0 0 .75rem; color: var(--muted); }
nav.toc { position: sticky; top: 1rem; align-self: start; max-height: calc(100vh - 2rem);
  overflow: auto; font-size: .9rem; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .5rem; }
nav.toc ol { padding-left: 1.2rem; margin: 0; }
nav.toc ul { padding-left: .9rem; margin: .1rem 0 .5rem; list-style: none; }
nav.toc a { color: var(--ink); text-decoration: none; }
nav.toc a:hover { color: var(--accent); text-decoration: underline; }
main { min-width: 0; }
section > h2 { font-size: 1.35rem; margin: 1.5rem 0 .2rem; color: var(--accent); }
p.why { margin: 0 0 .8rem; color: var(--muted); font-style: italic; }
article.card { border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1.1rem;
  margin: 0 0 1rem; }
article.card h3 { margin: 0 0 .2rem; font-size: 1.15rem; }
span.topic { font: 500 .8rem ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted);
  border: 1px solid var(--line); border-radius: 4px; padding: 0 .35rem; vertical-align: middle; }
p.summary { margin: 0 0 .4rem; font-weight: 600; }
p.note { margin: 0 0 .6rem; }
h4 { margin: .6rem 0 .2rem; font-size: .95rem; }
ul.pitfalls { margin: 0; padding-left: 1.2rem; }
ul.pitfalls li { margin: .15rem 0; }
p.meta { margin: .6rem 0 0; font-size: .8rem; color: var(--muted); }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: .88em; }
p code, li code { background: var(--code); padding: 0 .2rem; border-radius: 3px; }
div.code { position: relative; }
pre { margin: .3rem 0; padding: .7rem .8rem; background: var(--code); border: 1px solid
  var(--line); border-radius: 6px; overflow-x: auto; font-size: .82rem; line-height: 1.4; }
button.copy { position: absolute; top: .35rem; right: .35rem; font: 600 .75rem system-ui,
  sans-serif; padding: .2rem .6rem; border: 1px solid var(--line); border-radius: 4px;
  background: #fff; color: var(--ink); cursor: pointer; }
button.copy:hover { border-color: var(--accent); color: var(--accent); }
figure { margin: .4rem 0 .6rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption { font-size: .8rem; color: var(--muted); }
p.plot-missing { font-size: .85rem; color: var(--muted); border-left: 3px solid var(--line);
  padding-left: .6rem; }
.k { color: #8f2fae; font-weight: 600; } .s { color: #0b7a3a; } .n { color: #0b5cad; }
.c { color: #6a737d; font-style: italic; } .f { color: #b4410e; font-weight: 600; }
@media (max-width: 800px) { body { display: block; } nav.toc { position: static;
  max-height: none; } }
@media print {
  @page { size: A4; margin: 11mm 10mm; }
  :root { font-size: 8.5pt; }
  body { display: block; max-width: none; padding: 0; font-size: 1rem; line-height: 1.3; }
  header { margin-bottom: 3mm; } header h1 { font-size: 15pt; }
  h4 { margin: 1mm 0 .5mm; }
  nav.toc { position: static; max-height: none; overflow: visible; columns: 3;
    column-gap: 6mm; font-size: 7.5pt; border-bottom: 1px solid var(--line);
    padding-bottom: 2mm; margin-bottom: 2mm; }
  nav.toc ol > li { break-inside: avoid; }
  nav.toc h2 { column-span: all; }
  section > h2 { font-size: 11pt; margin: 3mm 0 1mm; break-after: avoid; }
  article.card { border: none; border-top: 1px solid var(--line); border-radius: 0;
    padding: 1.5mm 0 0; margin: 0 0 2mm; }
  article.card h3 { font-size: 10pt; break-after: avoid; }
  pre { white-space: pre-wrap; overflow: visible; font-size: 7pt; line-height: 1.25;
    padding: 1.5mm 2mm; break-inside: avoid; }
  figure { break-inside: avoid; } figure img { max-height: 48mm; width: auto; }
  ul.pitfalls li { break-inside: avoid; }
  button.copy { display: none; }
  a { color: inherit; text-decoration: none; }
  .k, .f { color: #000; } .s, .n, .c { color: #333; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }
  function say(button, text) {
    button.textContent = text;
    window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.parentNode.querySelector("code").textContent;
      var done = function () { say(button, "Copied"); };
      var failed = function () { say(button, fallbackCopy(text) ? "Copied" : "Select and copy"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  });
})();
"""
