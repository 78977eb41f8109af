"""The command line: parse, look up in the index, render. Thin on purpose.

Lookups (list, show, search, explain, roadmap, lint) must stay fast: no tensorflow, keras or
matplotlib here, and for a plain lookup not even argparse (quick_args) or a module the command
does not use: each command imports its own.
"""

import os
import sys

from . import __version__
from .errors import CheatsheetError, shown
from .output.files import STDOUT, check_writable, write_new

EXAMPLES = """\
examples:
  cheatsheet list                      every card, by roadmap section
  cheatsheet show cnn                  note, tested code and Keras 3 pitfalls of a card
  cheatsheet show conv --code > cnn.py copy-ready code only (aliases work too)
  cheatsheet search prevent overfitting  ranked search, in a learner's words
  cheatsheet explain - < error.txt     a pasted error: why it happened, the fix, the card
  cheatsheet roadmap                   the study path, fundamentals to deployment
  cheatsheet run cnn --plot cnn.png    train a card's demo, check its figure, save its picture
  cheatsheet check                     run every card: a smoke test of a lab machine
  cheatsheet plot activations --out a.png
  cheatsheet copy cnn --to lab.py      a card as a runnable script: its code and its demo
  cheatsheet export --format html --out sheet.html
  cheatsheet quiz cnn lstm --count 5   revise: questions from the tested cards, scored
"""


class OutputError(CheatsheetError):
    """Standard output cannot take what a command prints: full or closed."""


class Output:
    """sys.stdout while main() runs: a write it cannot make is an OutputError (exit 1), not an
    "internal error"; a reader that went away stays a BrokenPipeError (exit 0, quietly). A
    character its encoding cannot print becomes '?', with one warning line on stderr."""

    def __init__(self, stream):
        self.stream = stream
        self.warned = False

    def write(self, text):
        try:
            return self.stream.write(text)
        except UnicodeEncodeError as error:
            if not self.warned:
                self.warned = True
                say_error(f"Warning: standard output's encoding ({error.encoding}) cannot print "
                          f"{shown(error.object[error.start:error.end])!r}; printed '?' in its "
                          "place (PYTHONIOENCODING=utf-8 prints every character)")
            return self.write(text.encode(error.encoding, "replace").decode(error.encoding))
        except BrokenPipeError:
            raise
        except OSError as error:
            raise output_error(error) from None

    def flush(self):
        try:
            return self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise output_error(error) from None

    def __getattr__(self, name):  # isatty, fileno, encoding...: the real stream's
        return getattr(self.stream, name)


def output_error(error):
    import errno

    if error.errno == errno.EBADF:
        return OutputError(CLOSED_STDOUT)
    return OutputError(f"cannot write to standard output: {error.strerror or error}")


CLOSED_STDOUT = "standard output is closed; nothing to print to"


def say_error(message):
    """One line on stderr, if there is a stderr (`2>&-` closes it)."""
    if sys.stderr is not None:
        try:
            print(message, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass


def drop_pending_output():
    """Point file descriptor 1 at /dev/null, so Python's exit-time flush of what stdout could
    not take neither fails again nor prints "Exception ignored"."""
    try:
        descriptor = sys.__stdout__.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def replace_unprintable_on_terminal(stream):
    """A terminal whose encoding cannot show a character gets '?' quietly; a pipe or file gets
    it too, but Output warns on stderr, since '?' in a saved script would break it."""
    try:
        if (stream.errors == "strict" and not stream.encoding.lower().startswith("utf")
                and stream.isatty()):
            stream.reconfigure(errors="replace")
    except (AttributeError, OSError, ValueError):
        pass


def main(argv=None):
    """Entry point of `cheatsheet` and `python -m cheatsheet`; returns the exit status.

    Every exit status is decided here: 0 done (or met), 1 refused or missed, with one line on
    stderr, 2 bad usage (argparse) or no Keras backend installed (MissingLibrary), 130
    interrupted, 70 only for a bug in this program."""
    if sys.stdout is None:  # started with standard output closed: `cheatsheet list >&-`
        say_error(f"Error: {CLOSED_STDOUT}")
        return 1
    replace_unprintable_on_terminal(sys.stdout)
    stdout, sys.stdout = sys.stdout, Output(sys.stdout)
    try:
        status = dispatch(argv)
        sys.stdout.flush()  # a closed pipe or a full disk shows up here, inside the handlers
        return status
    except OutputError as error:
        drop_pending_output()
        say_error(f"Error: {error}")
        return 1
    except CheatsheetError as error:
        say_error(f"Error: {error}")
        return error.exit_status
    except BrokenPipeError:
        # The reader (`head -1`) has gone: stop quietly, and keep Python's exit-time flush quiet.
        drop_pending_output()
        return 0
    except KeyboardInterrupt:
        say_error("Interrupted.")
        return 130
    except Exception as error:  # never a traceback for a user; one for a developer who asks
        if os.environ.get("CHEATSHEET_DEBUG"):
            raise
        say_error(f"Error: internal error ({type(error).__name__}: {shown(error, 200)}); "
                  "rerun with CHEATSHEET_DEBUG=1 for the traceback")
        return 70
    finally:
        sys.stdout = stdout


# Libraries whose teardown at exit is slow (entry() says how slow).
SLOW_TO_TEAR_DOWN = ("tensorflow", "jax", "torch")


def entry():
    """The `cheatsheet` command and `python -m cheatsheet`: main(), then a quick exit.

    Once a demo has run, Python's teardown (TensorFlow's modules and threads) held the shell
    prompt back 1.0-1.1 s after the last line. Nothing in it is this program's: every file is
    closed and every temporary directory removed before main returns. So once the streams are
    flushed, the process ends at once. Tests call main() and keep their own process."""
    status = main()
    if not any(name in sys.modules for name in SLOW_TO_TEAR_DOWN):
        return status  # lookups: Python's own exit is quick and flushes as usual
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # main has said what went wrong with its output
            pass
    os._exit(status)


def dispatch(argv):
    args = quick_args(sys.argv[1:] if argv is None else argv) or build_parser().parse_args(argv)
    return args.command(args)


# The lookups' options as build_parser declares them, for quick_args: {option: (dest, choices)},
# choices None for a flag, () for an option that takes any one value.
OUTPUT_OPTIONS = {"--json": ("json", None), "--color": ("color", ("auto", "always", "never"))}
QUICK = {  # command: (its words' dest, "1" or "+" of them, its options, their defaults)
    "list": (None, None, OUTPUT_OPTIONS, {"json": False, "color": "auto"}),
    "roadmap": (None, None, OUTPUT_OPTIONS, {"json": False, "color": "auto"}),
    "show": ("topic", "1", {**OUTPUT_OPTIONS, "--code": ("code", None)},
             {"json": False, "color": "auto", "code": False}),
    "search": ("words", "+", OUTPUT_OPTIONS, {"json": False, "color": "auto"}),
    "explain": ("text", "+", OUTPUT_OPTIONS, {"json": False, "color": "auto"}),
    "lint": ("paths", "+", {"--format": ("format", ("text", "json", "sarif", "github")),
                            "--select": ("select", ()), "--ignore": ("ignore", ()),
                            "--fix": ("fix", None), "--diff": ("diff", None),
                            "--unsafe-fixes": ("unsafe_fixes", None),
                            "--rules": ("rules", None)},
             {"format": "text", "select": None, "ignore": None, "fix": False, "diff": False,
              "unsafe_fixes": False, "rules": False}),
}


def quick_args(argv):
    """What build_parser().parse_args(argv) returns for a plain lookup (list, show, search,
    explain, roadmap, lint FILE...), without argparse: importing it and building the parser
    took about half of `python -c pass` again, on every lookup. None for anything else (help,
    an abbreviated or unknown option, `--`, a missing or extra word, a bad choice): argparse
    parses it, and says what is wrong. tests/test_quick_args.py proves the two agree."""
    if not argv or argv[0] not in QUICK:
        return None
    dest, count, options, defaults = QUICK[argv[0]]
    values, words, runs, after_word = dict(defaults), [], 0, False
    rest = iter(argv[1:])
    for arg in rest:
        if arg[:1] != "-" or arg == "-":  # a word ("-" is one: standard input)
            runs, after_word = runs + (not after_word), True
            words.append(arg)
            continue
        option, equals, value = arg.partition("=")
        if option not in options:
            return None
        key, choices = options[option]
        if choices is None:  # a flag
            if equals:
                return None
            value = True
        elif not equals:
            value = next(rest, None)
            if value is None or value[:1] == "-":
                return None
        if choices and value not in choices:
            return None
        values[key], after_word = value, False
    if dest is None:
        if words:
            return None
    elif runs != 1 or (count == "1" and len(words) != 1):
        return None  # argparse takes one run of words: a word after an option is extra
    else:
        values[dest] = words[0] if count == "1" else words
    from types import SimpleNamespace

    return SimpleNamespace(**values, command=globals()[f"cmd_{argv[0]}"])


def seed_number(text):
    """A --seed value: what keras.utils.set_random_seed accepts, else a usage error (exit 2)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {shown(text)!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 2**32 - 1")
    return value


def count_number(text):
    """A --count value: a whole number of at least 1, else a usage error (exit 2)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {shown(text)!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} questions: ask for 1 or more")
    return value


def job_count(text):
    """A --jobs value: a whole number from 1 to 64, else a usage error (exit 2)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {shown(text)!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"{value} is not between 1 and 64")
    return value


def terminal_width():
    """Columns of the terminal on stdout, $COLUMNS, or 80. os.get_terminal_size, not shutil's:
    argparse would import shutil on every parser it builds, ~3 ms of each lookup's start-up."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80


def parser_classes():
    """(Parser, HelpFormatter): argparse's parser, whose usage errors quote at most WORD_LIMIT
    characters of a word, and its formatter, sized by terminal_width(). Made when a parser is
    built, so a plain lookup never imports argparse."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            import re

            message = re.sub(r"\S{61,}", lambda match: shown(match.group()),
                             shown(message, 10**6))
            super().error(message)

    class HelpFormatter(argparse.RawDescriptionHelpFormatter):
        def __init__(self, prog, **kwargs):
            super().__init__(prog, width=max(terminal_width(), 40) - 2, **kwargs)

    return Parser, HelpFormatter


def build_parser():
    import argparse

    from .cards.cardfile import BACKENDS
    from .demos import plots

    Parser, HelpFormatter = parser_classes()
    parser = Parser(
        prog="cheatsheet",
        description="A deep-learning cheatsheet whose every card is a tested Keras 3 function.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    as_json = argparse.ArgumentParser(add_help=False, formatter_class=HelpFormatter)
    as_json.add_argument("--json", action="store_true", help="print JSON for scripts")
    output = argparse.ArgumentParser(add_help=False, parents=[as_json],
                                     formatter_class=HelpFormatter)
    output.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="highlight output (auto: only on a terminal, unless NO_COLOR is set)")
    seeded = argparse.ArgumentParser(add_help=False, formatter_class=HelpFormatter)
    seeded.add_argument("--seed", type=seed_number, default=0,
                        help="random seed, 0 to 2**32 - 1 (default: 0)")

    def command(name, handler, help_text, parents=(output,)):
        sub = commands.add_parser(name, parents=list(parents), help=help_text,
                                  description=help_text, formatter_class=HelpFormatter)
        sub.set_defaults(command=handler)
        return sub

    command("list", cmd_list, "list the cards by roadmap section")
    show = command("show", cmd_show, "show a card: note, tested code, pitfalls, how to run it")
    show.add_argument("topic", help="topic or alias, e.g. cnn, conv, l2")
    show.add_argument("--code", action="store_true", help="print only copy-ready code")
    search = command("search", cmd_search, "ranked full-text search over every card")
    search.add_argument("words", nargs="+",
                        help="a question or words, e.g. prevent overfitting, time series")
    explain = command("explain", cmd_explain,
                      "explain an error message: why it happened, the fix, the card to read")
    explain.add_argument("text", nargs="+", metavar="TEXT",
                         help="the error message, quoted; - reads a whole traceback from "
                              "standard input")
    command("roadmap", cmd_roadmap, "the study path, fundamentals to deployment")
    run = command("run", cmd_run, "run a card's demo and check its figure against the target",
                  parents=(as_json, seeded))
    run.add_argument("topic", help="topic or alias")
    run.add_argument("--plot", metavar="PATH",
                     help="also save the card's picture (.png, .svg, .pdf or .jpg)")
    run.add_argument("--force", action="store_true", help="overwrite an existing --plot file")
    check = command("check", cmd_check, "run every card (or the named ones): smoke-test a machine",
                    parents=(as_json, seeded))
    check.add_argument("topics", nargs="*", metavar="TOPIC", help="cards to run (default: all)")
    check.add_argument("--jobs", type=job_count, default=None, metavar="N",
                       help="worker processes, each importing Keras once (default: one per "
                            "core, at most 4; 1 runs every card in this process)")
    check.add_argument("--as-written", action="store_true",
                       help="run every card in this process exactly as its file is written: "
                            "none of the tuning check's header lists")
    which = check.add_mutually_exclusive_group()
    which.add_argument("--backend", choices=BACKENDS, default=None,
                       help="Keras backend to run the cards on (default: $KERAS_BACKEND, else "
                            "tensorflow)")
    which.add_argument("--all-backends", action="store_true",
                       help="run every installed backend, each in its own process: a card x "
                            "backend grid")
    plot = command("plot", cmd_plot, "save a picture: " + ", ".join(plots.PLOTS), parents=(seeded,))
    plot.add_argument("name", metavar="NAME", help=f"one of: {', '.join(plots.PLOTS)}")
    plot.add_argument("--out", metavar="PATH", required=True,
                      help="picture to write: .png, .svg, .pdf or .jpg")
    plot.add_argument("--topic", default=None,
                      help="for learning-curves: whose demo to train (default: early-stopping)")
    plot.add_argument("--force", action="store_true", help="overwrite an existing file")
    copy = command("copy", cmd_copy, "write a card as a runnable script: its code and its demo",
                   parents=())
    copy.add_argument("topic", help="topic or alias, e.g. cnn, conv, l2")
    copy.add_argument("--to", metavar="FILE",
                      help="write FILE (or DIR/<module>.py), not stdout (-: stdout)")
    copy.add_argument("--force", action="store_true", help="overwrite an existing file")
    export = command("export", cmd_export, "export cards as Markdown, a notebook or one web page",
                     parents=())
    export.add_argument("--format", required=True,
                        choices=("markdown", "notebook", "html", "anki"),
                        help="one Markdown document, a Jupyter notebook, one printable page, "
                             "or an Anki deck of the quiz's questions (.apkg, needs genanki)")
    export.add_argument("--out", required=True, metavar="PATH",
                        help="file (or directory) to write; - for standard output")
    export.add_argument("topics", nargs="*", metavar="TOPIC",
                        help="cards to export, in roadmap order (default: every card)")
    export.add_argument("--force", action="store_true", help="overwrite an existing file")
    quiz = command("quiz", cmd_quiz, "revise: questions generated from the tested cards, scored",
                   parents=(as_json,))
    quiz.add_argument("topics", nargs="*", metavar="TOPIC",
                      help="cards to ask about (default: every card)")
    quiz.add_argument("--count", type=count_number, default=10,
                      help="how many questions (default: 10; fewer if the cards make fewer)")
    quiz.add_argument("--seed", type=seed_number, default=None,
                      help="the same seed asks the same quiz (default: a new one each time)")
    quiz.add_argument("--section", metavar="NAME", help="only cards of this roadmap section")
    quiz.add_argument("--answers", action="store_true",
                      help="print the questions with their answers, for paper; ask nothing")
    completion = command("completion", cmd_completion,
                         "print a shell completion script: commands, topics and plot names",
                         parents=())
    completion.add_argument("shell", choices=("bash", "zsh", "fish"),
                            help="the shell to complete in, e.g. source <(cheatsheet completion "
                                 "bash)")
    add_lint_command(command)
    return parser


def add_lint_command(command):
    """`lint`: its options; the logic lives in cheatsheet/lint/."""
    lint = command("lint", cmd_lint, "find tf.keras 2 habits and Keras 3 mistakes in a lab's "
                   "code (.py, .ipynb, folders; - for stdin), and fix the safe ones", parents=())
    lint.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    lint.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                      help="output format (default: text, path:line:col: CODE message)")
    lint.add_argument("--select", metavar="CODES", help="only these rules, e.g. KC301,KC4")
    lint.add_argument("--ignore", metavar="CODES", help="not these rules, e.g. KC101")
    lint.add_argument("--fix", action="store_true", help="apply the safe fixes in place")
    lint.add_argument("--diff", action="store_true",
                      help="print the fixes as a unified diff; write nothing")
    lint.add_argument("--unsafe-fixes", action="store_true",
                      help="with --fix or --diff, also the fixes that may change behaviour")
    lint.add_argument("--rules", action="store_true",
                      help="list every rule with its card, and exit")


# -- helpers shared by the commands --------------------------------------------------------------

def stdout_is_terminal():
    return sys.stdout.isatty()


def style_for(args):
    from .output import render

    if args.color == "always":
        color = True
    elif args.color == "never":
        color = False
    else:
        color = (stdout_is_terminal() and not os.environ.get("NO_COLOR")
                 and os.environ.get("TERM") != "dumb")
    if not color:
        return render.Style()
    return render.Style(color=True, width=min(max(terminal_width(), 40) - 2, 100))


def lookup(name):
    """The card for a topic or alias, or a CheatsheetError that suggests the nearest names."""
    from .cards import index

    return index.lookup(name)


def print_json(value):
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False))


def card_json(card):
    fields = card._asdict()
    for key in ("aliases", "functions", "pitfalls", "see_also"):
        fields[key] = list(fields[key])
    fields["backends"] = list(card.backends)
    fields["unsupported"] = dict(card.unsupported)  # {backend: why the card leaves it out}
    return fields


def run_hint(card):
    return (f"cheatsheet run {card.topic}   # train its demo, check its figure (needs TensorFlow)\n"
            f"cheatsheet copy {card.topic} --to {card.module}.py   # a runnable lab script\n"
            f"cheatsheet show {card.topic} --code   # only the functions above, with their imports")


# -- commands -------------------------------------------------------------------------------------

def cmd_list(args):
    from .cards import index

    if args.json:
        print_json([card_json(card) for card in index.CARDS])
    elif not stdout_is_terminal():
        print("\n".join(card.topic for card in index.CARDS))  # one per line: easy to pipe
    else:
        from .output import render

        print(render.card_list(index.cards_by_section(), style_for(args)), end="")
    return 0


def cmd_show(args):
    from .cards import index
    from .cards.source import SnippetSource
    from .output import render

    card = lookup(args.topic)
    known = index.card_code(card)  # the cache's, else read from the file with ast
    if known is None:
        source = SnippetSource.of(card)
        known = source.code(card.functions), source.copy_ready(card.functions)
    code, copy_ready = known
    if args.code:
        print(copy_ready, end="")
    elif args.json:
        print_json({**card_json(card), "path": f"snippets/{card.module}.py",
                    "code": code, "copy_ready": copy_ready})
    else:
        print(render.show(card, code, style_for(args), run_hint(card)), end="")
    return 0


def cmd_search(args):
    from .cards import index
    from .cards.search import rank
    from .cards.source import read_snippet
    from .output import render

    query = " ".join(args.words)
    hits = rank(query, index.CARDS, read_snippet)
    if args.json:
        print_json([{"topic": hit.card.topic, "title": hit.card.title, "score": hit.score,
                     "matched": hit.fields, "words": hit.words,
                     "line": {"field": hit.line[0], "text": hit.line[1]} if hit.line else None}
                    for hit in hits])
    elif hits:
        print(render.search_results(hits, style_for(args)), end="")
    if not args.json and looks_like_an_error(query):
        print(f"This looks like an error message; for its cause and fix: {explain_command(query)}")
    if not hits:
        raise CheatsheetError(f"no card answers {shown(query)!r}. Try other words, or: "
                              "cheatsheet list")
    return 0


def looks_like_an_error(query):
    """Whether search's words are an error message the explain index knows, whole."""
    from .explain import looks_like_error

    return looks_like_error(query)


def explain_command(query, limit=100):
    import shlex

    if len(query) > limit or "\n" in query:
        return "cheatsheet explain -   (then paste the error and press Ctrl-D)"
    return f"cheatsheet explain {shlex.quote(query)}"


def cmd_explain(args):
    from . import explain

    words = args.text
    if words == [STDOUT]:  # "-": the whole paste from standard input
        text = read_paste()
    elif STDOUT in words:
        return usage_error("explain: - reads the error from standard input; give it alone")
    else:
        text = " ".join(words)
    if text is None:
        return usage_error("explain: standard input is closed; give the error text instead")
    if not text.strip():
        return usage_error("explain: the error text is empty; give the message, or - and "
                           "pipe it in")
    matches = explain.explain(text)
    if args.json:
        print_json(explain.as_json(matches))
        if not matches:
            say_error(f"Error: {explain.NO_ENTRY}")
    elif matches:
        print(explain.text(matches, style_for(args)), end="")
    else:
        raise CheatsheetError(explain.NO_ENTRY)
    return 0 if matches else 1


def usage_error(message):
    """Bad usage that argparse cannot see (an empty text): one line on stderr, exit 2."""
    say_error(f"Error: {message}")
    return 2


def read_paste():
    """All of standard input as text (a paste, or a file piped in), None when it is closed;
    bytes that are not UTF-8 become U+FFFD, since an error message is read, not kept."""
    if sys.stdin is None:
        return None
    try:
        if sys.stdin.isatty():
            say_error("Paste the error, then press Ctrl-D (Ctrl-Z then Enter on Windows).")
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read() if stream is not None else sys.stdin.read()
    except (OSError, ValueError) as error:  # a closed or unreadable descriptor
        raise CheatsheetError(f"cannot read standard input: {shown(error, 200)}") from None
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def cmd_roadmap(args):
    from .cards import index
    from .output import render

    sections = index.cards_by_section()
    if args.json:
        print_json([{"section": section, "why": why, "topics": [card.topic for card in cards]}
                    for section, why, cards in sections])
    else:
        print(render.roadmap(sections, style_for(args)), end="")
    return 0


def cmd_run(args):
    from .demos import plots, runner
    from .output import render

    card = lookup(args.topic)
    if args.plot:  # every refusal now, not after the training
        plots.picture_of(card)
        plots.image_format(args.plot)
        check_writable(args.plot, args.force)
    runner.require_keras("run", runner.chosen_backend())  # no backend: exit 2, its extra named
    runner.prepare([card])  # a missing TensorFlow is one line of error, before any output
    if not args.json:
        print(f"{card.topic} · {card.title}", flush=True)
    progress = 0 if args.json else (1 if stdout_is_terminal() else 2)  # keras fit verbosity
    result = runner.run_card(card, seed=args.seed, verbose=progress)
    plot_error = None
    if args.plot and result["status"] != "error":
        try:
            result["plot"] = save_card_plot(card, result, args)
        except CheatsheetError as error:  # the run's figures still count: report them first
            plot_error = error
    if args.json:
        print_json(runner.json_ready(result))
    else:
        print(render.run_report(result, runner.figure_line(result)), end="")
    if plot_error is not None:
        raise plot_error
    return 0 if result["status"] == "ok" else 1


def cmd_check(args):
    import contextlib
    import time

    from .cards import index
    from .demos import runner, tuning, workers

    started = time.perf_counter()  # the total is wall time: the Keras import and all
    cards = [lookup(topic) for topic in args.topics] or list(index.CARDS)
    cards = [card for card in index.CARDS if card in cards]  # roadmap order, each card once
    if args.all_backends:
        return check_all_backends(args, cards)
    if args.as_written and args.jobs not in (None, 1):
        raise CheatsheetError("--as-written runs every card in this process, one by one: "
                              "leave out --jobs")
    jobs = 1 if args.as_written else workers.default_jobs() if args.jobs is None else args.jobs
    backend = runner.chosen_backend(args.backend)  # read as Keras will, without importing it
    skipped = [runner.unsupported(card, backend) if backend not in card.backends
               else runner.needs_absent_tensorflow(card, backend) for card in cards]
    cards = [card for card, row in zip(cards, skipped, strict=True) if row is None]
    skipped = [row for row in skipped if row is not None]
    report = CheckReport(args.json, skipped)
    if jobs > 1 and len(cards) > 1:  # workers: this process never imports Keras
        runner.require_keras("check", backend)
        try:
            results = workers.run([card.topic for card in cards], jobs, backend=args.backend,
                                  seed=args.seed, on_environment=report.header,
                                  on_result=report.row)
        except workers.WorkerError as error:
            said = f"; its stderr ended: {error.stderr[-1]}" if error.stderr else ""
            raise CheatsheetError(f"check could not start a worker process: {error}{said}"
                                  ) from None
    else:  # --backend before keras's import; the header, not the first card, shows its cost
        tuned = not args.as_written
        with tuning.quiet_stderr() if tuned else contextlib.nullcontext():
            keras = runner.load_keras("check", backend=args.backend)
        runner.prepare(cards)
        if tuned:
            tuning.settle_after_import(keras)
        report.header({**runner.environment(),
                       "tuning": tuning.describe(1 if tuned else None, backend)})
        results = [report.row(runner.run_card(card, seed=args.seed, tuned=tuned, quiet=tuned))
                   for card in cards]
    return report.finish(results, time.perf_counter() - started, backend)


class CheckReport:
    """check's table: the header once the environment is known, then a row as each card ends
    (the progress of a long check), then the summary; or, with --json, all of it at the end."""

    def __init__(self, as_json, skipped):
        self.as_json, self.skipped, self.environment = as_json, skipped, None

    def header(self, environment):
        from .output import render

        self.environment = environment
        if not self.as_json:
            print(render.check_header(environment), flush=True)
            for result in self.skipped:
                self.row(result)

    def row(self, result):
        from .demos import runner
        from .output import render

        if not self.as_json:
            print(render.check_row(result, runner.figure_line(result)), flush=True)
        return result

    def finish(self, results, total, backend):
        from .cards import index
        from .demos import runner

        failed = [result["topic"] for result in results if result["status"] != "ok"]
        if self.as_json:
            order = [card.topic for card in index.CARDS]
            found = sorted(results + self.skipped, key=lambda result: order.index(result["topic"]))
            print_json({"environment": self.environment, "results": [
                {key: value for key, value in runner.json_ready(result).items()
                 if key != "history"} for result in found]})
            return 1 if failed else 0
        imported = (self.environment or {}).get("import_seconds", 0.0)
        print(f"\n{len(results) - len(failed)} of {len(results)} cards met their targets "
              f"in {total:.1f} s (Keras import {imported:.1f} s)"
              + (f"; not met: {', '.join(failed)}" if failed else ""))
        if self.skipped:
            print(f"not run on {backend} (their rows say why): "
                  f"{', '.join(result['topic'] for result in self.skipped)}")
        return 1 if failed else 0


def check_all_backends(args, cards):
    """check --all-backends: each backend in its own process (see backends.py), one grid."""
    from .demos import backends

    topics = [card.topic for card in cards] if args.topics else []
    progress = None if args.json else (lambda line: print(line, file=sys.stderr, flush=True))
    report = backends.grid(cards, topics, seed=args.seed, progress=progress,
                           as_written=args.as_written)
    if args.json:
        print_json(report)
    else:
        print(backends.render(report), end="")
    broken = [name for name, column in report["environment"]["backends"].items()
              if column["status"] == "broken"]
    return 1 if backends.failed(report) or broken else 0


def cmd_plot(args):
    from .demos import plots, runner

    plots.check_name(args.name)
    image_format = plots.image_format(args.out)
    check_writable(args.out, args.force)  # refused now, not after the drawing
    options = {}
    if args.topic is not None:
        if args.name != "learning-curves":
            raise CheatsheetError("--topic only applies to the learning-curves plot")
        options["topic"] = lookup(args.topic).topic
    runner.load_keras("plot")
    write_new(args.out, plots.image_bytes(args.name, image_format, seed=args.seed, **options),
              force=args.force)
    print(f"saved {args.name} to {args.out}")
    return 0


def save_card_plot(card, result, args):
    """The card's own picture if it has one, else the loss curves of the run just made."""
    from .demos import plots

    image_format = plots.image_format(args.plot)
    if plots.picture_of(card) == card.topic:
        data = plots.image_bytes(card.topic, image_format, seed=args.seed,
                                 outcome=result["outcome"])
    else:
        data = plots.image_bytes("learning-curves", image_format, topic=card.topic,
                                 outcome=result["outcome"])
    return write_new(args.plot, data, force=args.force)


# -- copy and export: the logic lives in copy.py and export.py ------------------------------------

def cmd_copy(args):
    from .output import copy

    card = lookup(args.topic)
    if args.to is None or args.to == STDOUT:
        print(copy.script(card), end="")
    else:
        path = copy.copy(card, args.to, force=args.force)
        print(f"saved {card.topic} to {path}; run it with: python {path}")
    return 0


def cmd_export(args):
    from .cards import index
    from .output import export

    cards = export.in_roadmap_order([lookup(topic) for topic in args.topics] or index.CARDS)
    if args.out == STDOUT:  # every format is text
        print(export.export(args.format, cards), end="")
        return 0
    check_writable(export.target_path(args.format, args.out), args.force)  # before the work
    path = export.write(args.format, cards, args.out, force=args.force)
    print(f"saved {len(cards)} card(s) as {args.format} to {path}")
    return 0


def cmd_quiz(args):
    from . import quiz

    cards = [lookup(topic) for topic in args.topics]
    return quiz.command(cards, args, sys.stdin, sys.stdout)


def cmd_completion(args):
    from .output import completion

    print(completion.script(args.shell, build_parser()), end="")
    return 0


def cmd_lint(args):
    """Exit 0 clean, 1 findings, 2 usage or a file that cannot be read or parsed: lint's own
    statuses (ruff's), so a bad file is never mistaken for a finding."""
    from .lint import command, report

    if args.rules:
        print(report.rules_table(as_json=args.format == "json"), end="")
        return 0
    if not args.paths:
        say_error("Error: name a file, a folder or - (standard input); "
                  "or list the rules: cheatsheet lint --rules")
        return command.TROUBLE
    try:
        return command.run(args.paths, args.format, args.select, args.ignore, args.fix,
                           args.diff, args.unsafe_fixes, sys.stdin, sys.stdout, sys.stderr)
    except command.UsageError as error:
        say_error(f"Error: {error}")
        return command.TROUBLE
