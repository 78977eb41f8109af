"""The command line: parse, look up in the index, render. Thin on purpose.

Lookups (list, show, search, roadmap) must stay fast: no tensorflow, keras or matplotlib here.
"""

import argparse
import os
import sys

from . import __version__, index, render
from .errors import CheatsheetError
from .source import SnippetSource, read_snippet

EXAMPLES = """\
examples:
  cheatsheet list                      every card, by roadmap section
  cheatsheet show cnn                  note, tested code and Keras 3 pitfalls of a card
  cheatsheet show conv --code > cnn.py copy-ready code only (aliases work too)
  cheatsheet search dropout rate       ranked full-text search
  cheatsheet roadmap                   the study path, fundamentals to deployment
"""


def main(argv=None):
    """Entry point of `cheatsheet` and `python -m cheatsheet`; returns the exit status."""
    try:
        status = dispatch(argv)
        sys.stdout.flush()  # a closed pipe shows up here, inside the handler below
        return status
    except CheatsheetError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (`head -1`) has gone: stop quietly, and keep Python's exit-time flush quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback for a user; one for a developer who asks
        if os.environ.get("CHEATSHEET_DEBUG"):
            raise
        print(f"Error: internal error ({type(error).__name__}: {error}); "
              "rerun with CHEATSHEET_DEBUG=1 for the traceback", file=sys.stderr)
        return 70


def dispatch(argv):
    args = build_parser().parse_args(argv)
    return args.command(args)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="cheatsheet",
        description="A deep-learning cheatsheet whose every card is a tested Keras 3 function.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="highlight output (auto: only on a terminal, unless NO_COLOR is set)")
    output.add_argument("--json", action="store_true", help="print JSON for scripts")

    def command(name, handler, help_text):
        sub = commands.add_parser(name, parents=[output], help=help_text, description=help_text)
        sub.set_defaults(command=handler)
        return sub

    command("list", cmd_list, "list the cards by roadmap section")
    show = command("show", cmd_show, "show a card: note, tested code, pitfalls, how to run it")
    show.add_argument("topic", help="topic or alias, e.g. cnn, conv, l2")
    show.add_argument("--code", action="store_true", help="print only copy-ready code")
    search = command("search", cmd_search, "ranked full-text search over every card")
    search.add_argument("words", nargs="+", help="words that must all appear")
    command("roadmap", cmd_roadmap, "the study path, fundamentals to deployment")
    add_lab_commands(commands)
    return parser


# -- helpers shared by the commands --------------------------------------------------------------

def stdout_is_terminal():
    return sys.stdout.isatty()


def style_for(args):
    if args.color == "always":
        color = True
    elif args.color == "never":
        color = False
    else:
        color = (stdout_is_terminal() and not os.environ.get("NO_COLOR")
                 and os.environ.get("TERM") != "dumb")
    if not color:
        return render.Style()
    import shutil

    return render.Style(color=True, width=min(shutil.get_terminal_size().columns - 2, 100))


def lookup(name):
    """The card for a topic or alias, or a CheatsheetError that suggests the nearest names."""
    card = index.find(name)
    if card is None:
        close = index.suggestions(name)
        hint = f" Did you mean: {', '.join(close)}?" if close else " Try: cheatsheet list"
        raise CheatsheetError(f"no card named {name!r}.{hint}")
    return card


def print_json(value):
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False))


def card_json(card):
    fields = card._asdict()
    for key in ("aliases", "functions", "pitfalls", "see_also"):
        fields[key] = list(fields[key])
    return fields


def run_hint(card):
    return (f"python -m snippets.{card.module}   # run its demo (needs TensorFlow)\n"
            f"cheatsheet show {card.topic} --code > {card.module}_snippet.py   # copy-ready code")


# -- commands -------------------------------------------------------------------------------------

def cmd_list(args):
    if args.json:
        print_json([card_json(card) for card in index.CARDS])
    elif not stdout_is_terminal():
        print("\n".join(card.topic for card in index.CARDS))  # one per line: easy to pipe
    else:
        print(render.card_list(index.cards_by_section(), style_for(args)), end="")
    return 0


def cmd_show(args):
    card = lookup(args.topic)
    source = SnippetSource.of(card)
    if args.code:
        print(source.copy_ready(card.functions), end="")
    elif args.json:
        print_json({**card_json(card), "path": f"snippets/{card.module}.py",
                    "code": source.code(card.functions),
                    "copy_ready": source.copy_ready(card.functions)})
    else:
        code = source.code(card.functions)
        print(render.show(card, code, style_for(args), run_hint(card)), end="")
    return 0


def cmd_search(args):
    from .search import rank

    query = " ".join(args.words)
    hits = rank(query, index.CARDS, read_snippet)
    if args.json:
        print_json([{"topic": card.topic, "title": card.title, "score": score, "matched": fields}
                    for card, score, fields in hits])
    elif hits:
        print(render.search_results(hits, style_for(args)), end="")
    if not hits:
        raise CheatsheetError(f"no card matches {query!r}. Try fewer words, or: cheatsheet list")
    return 0


def cmd_roadmap(args):
    sections = index.cards_by_section()
    if args.json:
        print_json([{"section": section, "why": why, "topics": [card.topic for card in cards]}
                    for section, why, cards in sections])
    else:
        print(render.roadmap(sections, style_for(args)), end="")
    return 0


# -- copy and export: the logic lives in lab.py and export.py -------------------------------------

def add_lab_commands(commands):
    def writer(name, handler, help_text, examples):
        sub = commands.add_parser(name, help=help_text, description=help_text, epilog=examples,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.add_argument("--force", action="store_true", help="replace the file if it exists")
        sub.set_defaults(command=handler)
        return sub

    copy = writer("copy", cmd_copy, "write a card as a runnable script (its code and demo)",
                  "examples:\n  cheatsheet copy cnn > lab.py\n  cheatsheet copy cnn --to labs/")
    copy.add_argument("topic", help="topic or alias, e.g. cnn, conv, l2")
    copy.add_argument("--to", metavar="FILE", help="write FILE (or DIR/<module>.py), not stdout")
    export = writer("export", cmd_export, "export cards as Markdown, a notebook or one web page",
                    "examples:\n  cheatsheet export --format html --out cheatsheet.html\n"
                    "  cheatsheet export --format notebook --out cnn.ipynb cnn rnn")
    export.add_argument("--format", required=True, choices=("markdown", "notebook", "html"))
    export.add_argument("--out", required=True, metavar="PATH", help="file (or directory) to write")
    export.add_argument("topics", nargs="*", metavar="TOPIC",
                        help="cards to export, in roadmap order whatever the order given "
                             "(default: every card)")


def cmd_copy(args):
    from . import lab

    card = lookup(args.topic)
    if args.to is None:
        print(lab.script(card), end="")
    else:
        path = lab.copy(card, args.to, force=args.force)
        print(f"Wrote {path}; run it with: python {path}", file=sys.stderr)
    return 0


def cmd_export(args):
    from . import export

    cards = export.in_roadmap_order([lookup(topic) for topic in args.topics] or index.CARDS)
    path = export.write(args.format, cards, args.out, force=args.force)
    print(f"Wrote {path}: {len(cards)} card(s) as {args.format}", file=sys.stderr)
    return 0
