"""`%load_ext cheatsheet`: the %cheat line magic, for Jupyter, Colab and terminal IPython.

    %cheat TOPIC [--full]     the card's copy-ready code (--full: its lab script) in the next cell
    %cheat show TOPIC         the card: title, note, highlighted code, pitfalls
    %cheat search WORDS       ranked answers to a learner's question
    %cheat list               every card, by roadmap section
    %cheat run TOPIC          train the demo in this kernel's Keras: figure, target, plot
    %cheat check [TOPIC ...]  the smoke test of this runtime, as a table
    %cheat explain [TEXT]     an error's cause and fix; no text: the kernel's last exception
    %cheat lint [FILE]        tf.keras 2 habits and Keras 3 mistakes: in FILE, or the cells run

Each answer is one display with two forms, text/plain (terminal IPython) and text/html (a
notebook): the same render/export pieces the CLI and the web page use. A refusal is one line on
stderr, never a traceback. Loading the extension and the lookups import nothing heavy; run and
check import Keras when called, the kernel's own, on whatever backend the kernel chose.
"""

import html as html_lib
import os
import shlex
import sys

from .cards import index
from .errors import CheatsheetError, shown
from .output import render

USAGE = ("usage: %cheat TOPIC [--full] | show TOPIC | search WORDS | explain [TEXT] | list "
         "| run TOPIC | check [TOPIC ...] | lint [FILE]")

# Scoped to the outputs of %cheat; the same code colors as the exported web page.
CSS = """<style>
.cheatsheet h3 { margin: .2em 0; } .cheatsheet .topic { color: #5b6470; font-weight: normal; }
.cheatsheet .summary { font-weight: 600; } .cheatsheet .met { color: #1a7f37; }
.cheatsheet .missed, .cheatsheet .error { color: #b4410e; font-weight: 600; }
.cheatsheet pre { background: #f6f8fa; padding: .6em; border-radius: 4px; overflow-x: auto; }
.cheatsheet .k { color: #8250df; } .cheatsheet .s { color: #0a3069; }
.cheatsheet .n { color: #0550ae; } .cheatsheet .c { color: #6e7781; font-style: italic; }
.cheatsheet .f { color: #953800; font-weight: 600; }
.cheatsheet table { border-collapse: collapse; }
.cheatsheet td, .cheatsheet th { padding: .15em .8em; text-align: left; }
</style>"""


def load_ipython_extension(ipython):
    """`%load_ext cheatsheet` (through cheatsheet.load_ipython_extension): register %cheat."""
    ipython.register_magic_function(Magic(ipython), magic_kind="line", magic_name="cheat")


class Magic:
    """%cheat: parse the line, answer it, and turn any refusal into one line on stderr."""

    def __init__(self, shell):
        self.shell = shell

    def __call__(self, line):
        try:
            words = line.split(None, 1)
            if words and words[0] == "explain":  # an error's text: quotes in it are its own
                self.explain(words[1] if len(words) > 1 else "")
            else:
                self.dispatch(shlex.split(line))
        except CheatsheetError as error:
            say_error(f"Error: {error}")
        except ValueError as error:  # shlex: an unclosed quote
            say_error(f"Error: {error}; {USAGE}")
        except KeyboardInterrupt:
            say_error("Interrupted.")
        except Exception as error:  # never a traceback in a learner's notebook
            if os.environ.get("CHEATSHEET_DEBUG"):  # but one for a developer who asks
                raise
            say_error(f"Error: internal error ({type(error).__name__}: {shown(error, 200)}); "
                      "set CHEATSHEET_DEBUG=1 for the traceback")
        # None: the magic's answer is what it displayed, not an Out[] value

    def dispatch(self, words):
        if not words:
            raise CheatsheetError(USAGE)
        command, rest = words[0], words[1:]
        if command == "show":
            self.show(one_topic(rest, "show"))
        elif command == "search":
            if not rest:
                raise CheatsheetError("usage: %cheat search WORDS")
            self.search(" ".join(rest))
        elif command == "list":
            no_more(rest, "list")
            self.list()
        elif command == "run":
            self.run(one_topic(rest, "run"))
        elif command == "check":
            self.check(rest)
        elif command == "lint":
            self.lint(rest)
        else:
            full = "--full" in words
            self.insert(one_topic([word for word in words if word != "--full"], ""), full)

    # -- lookups: no Keras -----------------------------------------------------------------------

    def insert(self, name, full):
        from .cards.source import SnippetSource

        card = lookup(name)
        if full:
            from .output import copy

            code = copy.script(card, cell=True)
        else:
            code = SnippetSource.of(card).copy_ready(card.functions)
        what = "its lab script (runs the demo)" if full else "its tested code"
        print(f"{card.topic} · {card.title}: {card.summary} Next cell: {what}.")
        self.shell.set_next_input(code.rstrip("\n"), replace=False)

    def show(self, name):
        from .cards.source import SnippetSource, display_path, test_path
        from .output.html import highlight_html, inline

        card = lookup(name)
        source = SnippetSource.of(card)
        hint = (f"%cheat {card.topic}          # its code in the next cell\n"
                f"%cheat run {card.topic}      # train its demo here, check its figure\n"
                f"%cheat {card.topic} --full   # the whole lab script in the next cell")
        text = render.show(card, source.code(card.functions), render.Style(), hint)
        pitfalls = "".join(f"<li>{inline(pitfall)}</li>" for pitfall in card.pitfalls)
        code = highlight_html(source.copy_ready(card.functions).rstrip("\n"))
        page = (f'<h3>{escape(card.title)} <span class="topic">{card.topic}</span></h3>'
                f'<p class="summary">{inline(card.summary)}</p>'
                f"<p><b>{render.NOTE_HEADING}.</b> {inline(card.note)}</p>"
                f"<pre><code>{code}</code></pre>"
                f"<p><b>{render.PITFALLS_HEADING}</b></p><ul>{pitfalls}</ul>"
                f"<p><code>{display_path(card)}</code>, tested in <code>{test_path(card)}</code>"
                f" · <code>%cheat {card.topic}</code> puts the code in the next cell</p>")
        display(text, page)

    def search(self, query):
        from .cards.search import rank
        from .cards.source import read_snippet

        hits = rank(query, index.CARDS, read_snippet)
        if not hits:
            raise CheatsheetError(f"no card answers {shown(query)!r}. Try other words, or: "
                                  "%cheat list")
        rows = "".join(
            f"<tr><td><code>{hit.card.topic}</code></td><td>{escape(hit.card.title)}</td>"
            f"<td>{escape(', '.join(hit.words))}</td>"
            f"<td>{escape(' '.join(hit.line[1].split())) if hit.line else ''}</td></tr>"
            for hit in hits)
        display(render.search_results(hits, render.Style()),
                f"<table><tr><th>topic</th><th>card</th><th>words</th><th>its line</th></tr>"
                f"{rows}</table><p>Open one with <code>%cheat show TOPIC</code>.</p>")

    def list(self):
        sections = index.cards_by_section()
        parts = []
        for section, _, cards in sections:
            rows = "".join(f"<tr><td><code>{card.topic}</code></td><td>{inline_text(card.summary)}"
                           "</td></tr>" for card in cards)
            parts.append(f"<h4>{escape(section)}</h4><table>{rows}</table>")
        display(render.card_list(sections, render.Style()), "".join(parts))

    def explain(self, text):
        """The explain entry for TEXT, or with no text for the kernel's last exception (IPython
        keeps it in sys.last_value), its traceback included."""
        from . import explain
        from .output.html import highlight_html

        if not text.strip():
            text = last_exception()
        matches = explain.explain(text)
        if not matches:
            raise CheatsheetError(explain.NO_ENTRY.replace("cheatsheet search", "%cheat search"))
        parts = []
        for match in matches:
            entry = match.entry
            guess = "" if match.score >= 1.0 else f" · a guess, {match.score:.2f}"
            parts.append(
                f'<h3>{escape(entry.title)} <span class="topic">{entry.id}{guess}</span></h3>'
                + (f"<p><b>What happened:</b> <code>{escape(match.line)}</code></p>"
                   if match.line else "")
                + f"<p><b>Why:</b> {inline_text(entry.cause)}</p>"
                f"<pre><code>{highlight_html(entry.fix.rstrip(chr(10)))}</code></pre>"
                f"<p>Read next: <code>%cheat show {entry.card}</code></p>")
        if len(matches) > 1:
            parts.insert(0, f"<p><b>Not sure: it is one of these {len(matches)}, most likely "
                            "first.</b></p>")
        lint = "Found before a run by: %cheat lint (rule {rule}), in the cells run so far"
        display(explain.text(matches, render.Style(), show="%cheat show", lint=lint),
                "".join(parts))

    def lint(self, words):
        """`%cheat lint FILE`, or with no file the cells this kernel has run (IPython's In
        history, numbered as In[n]): lint's findings, no Keras imported."""
        from .lint import files

        if len(words) > 1 or (words and words[0].startswith("-")):
            raise CheatsheetError("usage: %cheat lint [FILE]")
        try:
            if words:
                document = files.Document(words[0], files.read_text(words[0]))
            else:
                history = self.shell.user_ns.get("In", [])
                document = files.Document.of_cells("In", {
                    number: source for number, source in enumerate(history)
                    if number and source})
            findings = document.findings()
        except files.Unreadable as error:
            raise CheatsheetError(str(error)) from None
        what = words[0] if words else "the cells run so far"
        if not findings:
            display(f"{what}: no finding", f"<p>{escape(what)}: no finding</p>")
            return
        place = (lambda f: f"{words[0]}:{f.line}:{f.col + 1}") if words else (
            lambda f: f"In[{f.cell}]:{f.line}:{f.col + 1}")
        lines = [f"{place(f)}: {f.rule} {f.message} (card: {f.card})" for f in findings]
        rows = "".join(f"<tr><td><code>{escape(place(f))}</code></td><td>{f.rule}</td>"
                       f"<td>{inline_text(f.message)}</td><td><code>%cheat show {f.card}</code>"
                       "</td></tr>" for f in findings)
        display("\n".join(lines), f"<table><tr><th>where</th><th>rule</th><th>what</th>"
                                    f"<th>card</th></tr>{rows}</table>")

    # -- run and check: the kernel's own Keras, each card run as its file is written ------------

    def run(self, name):
        from .demos import runner

        card = lookup(name)
        runner.prepare([card])
        print(f"{card.topic} · {card.title}: training its demo in this kernel...", flush=True)
        result = runner.run_card(card, verbose=0)
        figure = runner.figure_line(result)
        verdict = {"ok": "met", "missed": "MISSED", "error": "failed"}[result["status"]]
        display(render.run_report(result, figure),
                f'<p><b>{card.topic}</b>: {escape(figure)} '
                f'<span class="{"met" if result["status"] == "ok" else "missed"}">{verdict}'
                f"</span> in {result['seconds']['total']:.1f} s "
                f"(Keras {backend()})</p>")
        if result["status"] != "error":
            picture = plot_of(card, result)
            if picture is not None:
                import base64

                display_data({"image/png": base64.b64encode(picture).decode("ascii"),
                              "text/plain": f"<{card.topic}: a picture, shown in a notebook>"})

    def check(self, topics):
        """check's own implementation (demos/check.py) in this kernel, as written: the kernel's
        Keras and backend, nothing tuned; in a notebook, one table that grows a row as each
        card ends."""
        from .demos import check, runner

        cards = [lookup(topic) for topic in topics] or list(index.CARDS)
        cards = [card for card in index.CARDS if card in cards]  # roadmap order, each once
        in_notebook = getattr(self.shell, "kernel", None) is not None
        table = {"header": "", "rows": [], "results": [], "handle": None}

        def header(environment, skipped):
            table["header"] = render.check_header(environment)
            if in_notebook:
                table["handle"] = display_data(check_table(table["header"], [], []),
                                               display_id=True)
            else:
                print(table["header"], flush=True)
            for row in skipped:
                show_row(row)

        def show_row(result):
            table["results"].append(result)
            table["rows"].append(render.check_row(result, runner.figure_line(result)))
            if in_notebook:
                table["handle"].update(check_table(table["header"], table["rows"],
                                                   table["results"]), raw=True)
            else:
                print(table["rows"][-1], flush=True)

        report = check.run(cards, header, show_row, as_written=True)
        print(render.check_summary(report), end="")


# -- helpers --------------------------------------------------------------------------------------

def lookup(name):
    """The card for a topic or alias; its did-you-mean points to %cheat list."""
    from .cards import index

    return index.lookup(name, list_command="%cheat list")


def last_exception():
    """The kernel's last exception with its traceback, as IPython left it in sys.last_*."""
    import traceback

    error = getattr(sys, "last_value", None)
    if error is None:
        raise CheatsheetError("no exception to explain yet: run the cell that fails, then "
                              "%cheat explain (or give the error: %cheat explain TEXT)")
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def one_topic(words, command):
    if len(words) != 1 or words[0].startswith("-"):
        raise CheatsheetError(f"usage: %cheat {command + ' ' if command else ''}TOPIC"
                              + (" [--full]" if not command else ""))
    return words[0]


def no_more(words, command):
    if words:
        raise CheatsheetError(f"%cheat {command} takes nothing more, not {shown(words[0])!r}")


def escape(text):
    return html_lib.escape(str(text), quote=False)


def inline_text(text):
    from .output.html import inline

    return inline(text)


def say_error(message):
    print(message, file=sys.stderr, flush=True)


def display_data(data, **options):
    from IPython.display import display as ipython_display

    return ipython_display(data, raw=True, **options)


def display(text, html):
    """One output: plain text for a terminal, HTML (with our small style sheet) for a notebook."""
    return display_data({"text/plain": text.rstrip("\n"),
                         "text/html": f'{CSS}<div class="cheatsheet">{html}</div>'})


def check_table(header, rows, results):
    """check's table as one display: the text rows, and an HTML table of the same results."""
    from .demos import runner

    cells = "".join(
        f'<tr><td><code>{result["topic"]}</code></td>'
        f'<td class="{result["status"].replace(" ", "-")}">'
        f'{result["status"]}</td><td>{result["seconds"]["total"]:.1f}</td>'
        f"<td>{escape(runner.figure_line(result))}</td></tr>"
        for result in results)
    head = "".join(f"<p>{escape(line)}</p>" for line in header.splitlines()[:2])
    return {"text/plain": "\n".join([header, *rows]),
            "text/html": f'{CSS}<div class="cheatsheet">{head}<table><tr><th>topic</th>'
                         f"<th>status</th><th>seconds</th><th>result</th></tr>{cells}"
                         "</table></div>"}


def backend():
    keras = sys.modules.get("keras")
    return f"{keras.__version__}, backend {keras.config.backend()}" if keras else "?"


def plot_of(card, result):
    """PNG bytes of the card's own picture (from this run where it can be), else of the loss
    curves the demo recorded, else None: `cheatsheet run --plot`'s choice, drawn in memory."""
    from .demos import plots

    name = card.topic if card.topic in plots.PLOTS else (
        "learning-curves" if plots.records_history(card) else None)
    if name is None:
        return None
    options = {"topic": card.topic} if name == "learning-curves" else {}
    return plots.image_bytes(name, "png", outcome=result["outcome"], **options)
