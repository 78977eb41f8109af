"""The command line, thin on purpose (after httpie and tealdeer): parse, call the command's
function, turn what went wrong into one line and an exit status.

- COMMANDS (at the end) declares every command, its help and its arguments once; argparse's
  parser is built from it, and so is quick_args, which parses a plain lookup without argparse.
- main() owns every exit status (errors.ExitStatus) and passes the standard streams in
  (Streams); no command swaps sys.stdout.
- Each cmd_<name>(args, streams) returns an ExitStatus; the work is in the layers below
  (cards, demos, output, quiz, lint, explain).

Lookups (list, show, search, explain, roadmap, lint) must stay fast: no tensorflow, keras or
matplotlib here, and for a plain lookup not even argparse or a module the command does not
use: each command imports its own.
"""

import os
import sys

from . import __version__
from .cards.cardfile import BACKENDS
from .errors import CheatsheetError, ExitStatus, shown
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


class Streams:
    """The standard streams a command reads and writes, passed in (httpie's Environment): main()
    gets the process's, a test its own (closed, full, ASCII-only), and sys.stdout is never
    swapped. A stream may be None: closed when the process started (`2>&-`)."""

    def __init__(self, stdin, stdout, stderr):
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr

    @classmethod
    def of_process(cls):
        return cls(sys.stdin, sys.stdout, sys.stderr)

    def print(self, *values, end="\n", flush=False):
        print(*values, end=end, flush=flush, file=self.stdout)

    def error(self, message):
        """One line on stderr, if there is a stderr."""
        if self.stderr is not None:
            try:
                print(message, file=self.stderr, flush=True)
            except (OSError, ValueError):
                pass

    def is_terminal(self):
        return is_terminal(self.stdout)

    def terminal_width(self):
        """Columns of the terminal on stdout, $COLUMNS, or 80. os.get_terminal_size, not
        shutil's: argparse would import shutil on every parser it builds, ~3 ms of each
        lookup's start-up."""
        try:
            return int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            pass
        try:
            return os.get_terminal_size(self.stdout.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return 80


class Output:
    """Standard output as the commands write to it: a write it cannot make is an OutputError
    (exit 1), not an "internal error"; a reader that went away stays a BrokenPipeError (exit 0,
    quietly). A character its encoding cannot print becomes '?': quietly on a terminal, with
    one warning line on stderr in a pipe or file, where '?' in a saved script would break it."""

    def __init__(self, stream, warn):
        self.stream, self.warn = stream, warn
        self.warned = False

    def write(self, text):
        try:
            return self.stream.write(text)
        except UnicodeEncodeError as error:
            if not self.warned:
                self.warned = True
                if not is_terminal(self.stream):
                    self.warn(f"Warning: standard output's encoding ({error.encoding}) cannot "
                              f"print {shown(error.object[error.start:error.end])!r}; printed "
                              "'?' in its place (PYTHONIOENCODING=utf-8 prints every character)")
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


def is_terminal(stream):
    """Whether `stream` is a terminal; a closed or odd stream is not."""
    try:
        return stream.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def output_error(error):
    import errno

    if error.errno == errno.EBADF:
        return OutputError(CLOSED_STDOUT)
    return OutputError(f"cannot write to standard output: {error.strerror or error}")


CLOSED_STDOUT = "standard output is closed; nothing to print to"


def drop_pending_output(stream):
    """Point the process's standard output at /dev/null, so Python's exit-time flush of what
    it could not take neither fails again nor prints "Exception ignored". Only for the
    process's own stdout: a stream a caller passed in is the caller's."""
    if stream is not sys.__stdout__:
        return
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def main(argv=None, streams=None):
    """Entry point of `cheatsheet` and `python -m cheatsheet`; returns the ExitStatus.

    Every exit status is decided here or returned by a command: OK done (or met), FAILED
    refused or missed, with one line on stderr, USAGE bad usage (argparse) or no Keras backend
    installed (MissingLibrary), INTERRUPTED, INTERNAL_ERROR only for a bug in this program.
    `streams`: the process's standard streams unless a caller passes its own."""
    streams = streams or Streams.of_process()
    if streams.stdout is None:  # started with standard output closed: `cheatsheet list >&-`
        streams.error(f"Error: {CLOSED_STDOUT}")
        return ExitStatus.FAILED
    given = streams.stdout
    streams = Streams(streams.stdin, Output(given, streams.error), streams.stderr)
    try:
        status = dispatch(sys.argv[1:] if argv is None else argv, streams)
        streams.stdout.flush()  # a closed pipe or a full disk shows up here, inside the handlers
        return status
    except OutputError as error:
        drop_pending_output(given)
        streams.error(f"Error: {error}")
        return ExitStatus.FAILED
    except CheatsheetError as error:
        streams.error(f"Error: {error}")
        return error.exit_status
    except BrokenPipeError:
        # The reader (`head -1`) has gone: stop quietly, and keep Python's exit-time flush quiet.
        drop_pending_output(given)
        return ExitStatus.OK
    except KeyboardInterrupt:
        streams.error("Interrupted.")
        return ExitStatus.INTERRUPTED
    except Exception as error:  # never a traceback for a user; one for a developer who asks
        if os.environ.get("CHEATSHEET_DEBUG"):
            raise
        streams.error(f"Error: internal error ({type(error).__name__}: {shown(error, 200)}); "
                      "rerun with CHEATSHEET_DEBUG=1 for the traceback")
        return ExitStatus.INTERNAL_ERROR


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


def dispatch(argv, streams):
    """One command's function, with what the command line gave it."""
    args = quick_args(argv) or build_parser(streams).parse_args(argv)
    return COMMANDS[args.command][0](args, streams)


# -- the parsers of COMMANDS: argparse's (build_parser) and the lookups' (quick_args) -----------

def argument(*names, **settings):
    """One add_argument() call, kept as data. `exclusive`: the name of a group of options that
    exclude one another."""
    return names, settings


def whole_number(low, high, out_of_range):
    """An argparse type: a whole number from `low` to `high` (None: no limit), else a usage
    error (exit 2) whose message is `out_of_range`, formatted with the value."""

    def parse(text):
        import argparse

        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {shown(text)!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(out_of_range.format(value=value))
        return value

    return parse


# What keras.utils.set_random_seed accepts; what --count and --jobs can mean.
seed_number = whole_number(0, 2**32 - 1, "{value} is not between 0 and 2**32 - 1")
count_number = whole_number(1, None, "{value} questions: ask for 1 or more")
job_count = whole_number(1, 64, "{value} is not between 1 and 64")

AS_JSON = (argument("--json", action="store_true", help="print JSON for scripts"),)
OUTPUT = (*AS_JSON, argument(
    "--color", choices=("auto", "always", "never"), default="auto",
    help="highlight output (auto: only on a terminal, unless NO_COLOR is set)"))
SEEDED = (argument("--seed", type=seed_number, default=0,
                   help="random seed, 0 to 2**32 - 1 (default: 0)"),)
FORCE = argument("--force", action="store_true", help="overwrite an existing file")
TOPIC = argument("topic", help="topic or alias, e.g. cnn, conv, l2")
# The lookups: quick_args parses them when their line is plain. Each names what it looks up.
LOOKUPS = ("list", "show", "search", "explain", "roadmap", "lint")


def parser_classes(streams):
    """(Parser, HelpFormatter): argparse's parser, which writes its help, usage and errors to
    `streams` and quotes at most WORD_LIMIT characters of a word in an error, and its formatter,
    sized by the terminal. Made when a parser is built, so a plain lookup never imports
    argparse."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            import re

            message = re.sub(r"\S{61,}", lambda match: shown(match.group()),
                             shown(message, 10**6))
            super().error(message)

        def _print_message(self, message, file=None):  # help, usage, --version and errors
            stream = streams.stdout if file is sys.stdout else streams.stderr
            super()._print_message(message, stream)

    class HelpFormatter(argparse.RawDescriptionHelpFormatter):
        def __init__(self, prog, **kwargs):
            super().__init__(prog, width=max(streams.terminal_width(), 40) - 2, **kwargs)

    return Parser, HelpFormatter


def build_parser(streams=None):
    """argparse's parser of COMMANDS: what `--help` shows and completion.py reads."""
    from .demos.plots import PLOTS  # the plot names, in plot's help
    Parser, HelpFormatter = parser_classes(streams or Streams.of_process())
    parser = Parser(
        prog="cheatsheet",
        description="A deep-learning cheatsheet whose every card is a tested Keras 3 function.",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    plots = ", ".join(PLOTS)
    for name, (_, help_text, arguments) in COMMANDS.items():
        help_text = help_text.format(plots=plots)
        sub = subparsers.add_parser(name, help=help_text, description=help_text,
                                    formatter_class=HelpFormatter)
        sub.set_defaults(command=name)
        groups = {}
        for names, settings in arguments:
            settings = dict(settings)
            if "help" in settings:
                settings["help"] = settings["help"].format(plots=plots)
            exclusive = settings.pop("exclusive", None)
            if exclusive and exclusive not in groups:
                groups[exclusive] = sub.add_mutually_exclusive_group()
            (groups[exclusive] if exclusive else sub).add_argument(*names, **settings)
    return parser


def quick_args(argv):
    """What build_parser().parse_args(argv) returns for a plain lookup (list, show, search,
    explain, roadmap, lint FILE...), read from the same table without argparse: importing it
    and building the parser took about half of `python -c pass` again, on every lookup. None
    for anything else (help, an abbreviated or unknown option, `--`, a missing or extra word,
    a bad choice): argparse parses it, and says what is wrong. tests/test_quick_args.py proves
    the two agree."""
    if not argv or argv[0] not in LOOKUPS:
        return None
    _, _, arguments = COMMANDS[argv[0]]
    words_dest, options, values = None, {}, {"command": argv[0]}
    for names, settings in arguments:
        dest = settings.get("dest") or names[0].lstrip("-").replace("-", "_")
        if not names[0].startswith("-"):
            words_dest, one_word = dest, "nargs" not in settings
            continue
        flag = settings.get("action") == "store_true"
        options[names[0]] = dest, None if flag else settings.get("choices", ())
        values[dest] = False if flag else settings.get("default")
    words, runs, after_word = [], 0, False
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
    if words_dest is None:
        if words:
            return None
    elif runs != 1 or (one_word and len(words) != 1):
        return None  # argparse takes one run of words: a word after an option is extra
    else:
        values[words_dest] = words[0] if one_word else words
    from types import SimpleNamespace

    return SimpleNamespace(**values)


# -- helpers shared by the commands --------------------------------------------------------------

def style_for(args, streams):
    from .output import render

    if args.color == "always":
        color = True
    elif args.color == "never":
        color = False
    else:
        color = (streams.is_terminal() and not os.environ.get("NO_COLOR")
                 and os.environ.get("TERM") != "dumb")
    if not color:
        return render.Style()
    return render.Style(color=True, width=min(max(streams.terminal_width(), 40) - 2, 100))


def lookup(name):
    """The card for a topic or alias, or a CheatsheetError that suggests the nearest names."""
    from .cards import index

    return index.lookup(name)


def print_json(value, streams):
    import json

    streams.print(json.dumps(value, indent=2, ensure_ascii=False))


def card_json(card):
    fields = card._asdict()
    for key in ("aliases", "functions", "pitfalls", "see_also"):
        fields[key] = list(fields[key])
    fields["backends"] = list(card.backends)
    fields["unsupported"] = dict(card.unsupported)  # {backend: why the card leaves it out}
    return fields


def run_hint(card):
    backends = card.backends[0] if len(card.backends) == 1 else (
        f"{', '.join(card.backends[:-1])} or {card.backends[-1]}")  # its Backends: field
    return (f"cheatsheet run {card.topic}   # train its demo, check its figure (Keras 3 on "
            f"{backends})\n"
            f"cheatsheet copy {card.topic} --to {card.module}.py   # a runnable lab script\n"
            f"cheatsheet show {card.topic} --code   # only the functions above, with their imports")


def usage_error(message, streams):
    """Bad usage that argparse cannot see (an empty text): one line on stderr, exit 2."""
    streams.error(f"Error: {message}")
    return ExitStatus.USAGE


# -- the commands: one function each, (args, streams) -> ExitStatus; the work is in the layers ----

def cmd_list(args, streams):
    from .cards import index

    if args.json:
        print_json([card_json(card) for card in index.CARDS], streams)
    elif not streams.is_terminal():
        streams.print("\n".join(card.topic for card in index.CARDS))  # one per line: easy to pipe
    else:
        from .output import render

        streams.print(render.card_list(index.cards_by_section(), style_for(args, streams)),
                      end="")
    return ExitStatus.OK


def cmd_show(args, streams):
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
        streams.print(copy_ready, end="")
    elif args.json:
        print_json({**card_json(card), "path": f"snippets/{card.module}.py",
                    "code": code, "copy_ready": copy_ready}, streams)
    else:
        streams.print(render.show(card, code, style_for(args, streams), run_hint(card)), end="")
    return ExitStatus.OK


def cmd_search(args, streams):
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
                    for hit in hits], streams)
    elif hits:
        streams.print(render.search_results(hits, style_for(args, streams)), end="")
    if not args.json and looks_like_an_error(query):
        streams.print("This looks like an error message; for its cause and fix: "
                      f"{explain_command(query)}")
    if not hits:
        raise CheatsheetError(f"no card answers {shown(query)!r}. Try other words, or: "
                              "cheatsheet list")
    return ExitStatus.OK


def looks_like_an_error(query):
    """Whether search's words are an error message the explain index knows, whole."""
    from .explain import looks_like_error

    return looks_like_error(query)


def explain_command(query, limit=100):
    import shlex

    if len(query) > limit or "\n" in query:
        return "cheatsheet explain -   (then paste the error and press Ctrl-D)"
    return f"cheatsheet explain {shlex.quote(query)}"


def cmd_explain(args, streams):
    from . import explain

    words = args.text
    if words == [STDOUT]:  # "-": the whole paste from standard input
        text = read_paste(streams)
    elif STDOUT in words:
        return usage_error("explain: - reads the error from standard input; give it alone",
                           streams)
    else:
        text = " ".join(words)
    if text is None:
        return usage_error("explain: standard input is closed; give the error text instead",
                           streams)
    if not text.strip():
        return usage_error("explain: the error text is empty; give the message, or - and "
                           "pipe it in", streams)
    matches = explain.explain(text)
    if args.json:
        print_json(explain.as_json(matches), streams)
        if not matches:
            streams.error(f"Error: {explain.NO_ENTRY}")
    elif matches:
        streams.print(explain.text(matches, style_for(args, streams)), end="")
    else:
        raise CheatsheetError(explain.NO_ENTRY)
    return ExitStatus.OK if matches else ExitStatus.FAILED


def read_paste(streams):
    """All of standard input as text (a paste, or a file piped in), None when it is closed;
    bytes that are not UTF-8 become U+FFFD, since an error message is read, not kept."""
    stdin = streams.stdin
    if stdin is None:
        return None
    try:
        if stdin.isatty():
            streams.error("Paste the error, then press Ctrl-D (Ctrl-Z then Enter on Windows).")
        stream = getattr(stdin, "buffer", None)
        data = stream.read() if stream is not None else stdin.read()
    except (OSError, ValueError) as error:  # a closed or unreadable descriptor
        raise CheatsheetError(f"cannot read standard input: {shown(error, 200)}") from None
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def cmd_roadmap(args, streams):
    from .cards import index
    from .output import render

    sections = index.cards_by_section()
    if args.json:
        print_json([{"section": section, "why": why, "topics": [card.topic for card in cards]}
                    for section, why, cards in sections], streams)
    else:
        streams.print(render.roadmap(sections, style_for(args, streams)), end="")
    return ExitStatus.OK


def cmd_run(args, streams):
    import contextlib

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
        streams.print(f"{card.topic} · {card.title}", flush=True)
    progress = 0 if args.json else (1 if streams.is_terminal() else 2)  # keras fit verbosity
    # Keras prints fit's progress to sys.stdout, the only stream it knows: for the demo, ours.
    with contextlib.redirect_stdout(streams.stdout):
        result = runner.run_card(card, seed=args.seed, verbose=progress)
    plot_error = None
    if args.plot and result["status"] != "error":
        try:
            result["plot"] = save_card_plot(card, result, args)
        except CheatsheetError as error:  # the run's figures still count: report them first
            plot_error = error
    if args.json:
        print_json(runner.json_ready(result), streams)
    else:
        streams.print(render.run_report(result, runner.figure_line(result)), end="")
    if plot_error is not None:
        raise plot_error
    return ExitStatus.OK if result["status"] == "ok" else ExitStatus.FAILED


def cmd_check(args, streams):
    from .cards import index
    from .demos import check
    from .output import render

    cards = [lookup(topic) for topic in args.topics] or list(index.CARDS)
    cards = [card for card in index.CARDS if card in cards]  # roadmap order, each card once
    if args.all_backends:
        return check_all_backends(args, cards, streams)

    def header(environment, skipped):  # the table's head, then the rows of cards not run
        if not args.json:
            streams.print(render.check_header(environment), flush=True)
            for row in skipped:
                show_row(row)

    def show_row(result):
        from .demos import runner

        if not args.json:
            streams.print(render.check_row(result, runner.figure_line(result)), flush=True)

    report = check.run(cards, header, show_row, seed=args.seed, backend=args.backend,
                       jobs=args.jobs, as_written=args.as_written)
    if args.json:
        from .demos import runner

        print_json({"environment": report.environment, "results": [
            {key: value for key, value in runner.json_ready(row).items() if key != "history"}
            for row in report.rows(cards)]}, streams)
    else:
        streams.print("\n" + render.check_summary(report), end="")
    return ExitStatus.FAILED if report.failed else ExitStatus.OK


def check_all_backends(args, cards, streams):
    """check --all-backends: each backend in its own process (see backends.py), one grid."""
    from .demos import backends

    topics = [card.topic for card in cards] if args.topics else []
    progress = None if args.json else streams.error  # each backend's line as it starts
    report = backends.grid(cards, topics, seed=args.seed, progress=progress,
                           as_written=args.as_written)
    if args.json:
        print_json(report, streams)
    else:
        streams.print(backends.render(report), end="")
    broken = [name for name, column in report["environment"]["backends"].items()
              if column["status"] == "broken"]
    return ExitStatus.FAILED if backends.failed(report) or broken else ExitStatus.OK


def cmd_plot(args, streams):
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
    streams.print(f"saved {args.name} to {args.out}")
    return ExitStatus.OK


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


def cmd_copy(args, streams):
    from .output import copy

    card = lookup(args.topic)
    if args.to is None or args.to == STDOUT:
        streams.print(copy.script(card), end="")
    else:
        path = copy.copy(card, args.to, force=args.force)
        streams.print(f"saved {card.topic} to {path}; run it with: python {path}")
    return ExitStatus.OK


def cmd_export(args, streams):
    from .cards import index
    from .output import export

    cards = export.in_roadmap_order([lookup(topic) for topic in args.topics] or index.CARDS)
    if args.out == STDOUT:  # every format is text
        streams.print(export.export(args.format, cards), end="")
        return ExitStatus.OK
    check_writable(export.target_path(args.format, args.out), args.force)  # before the work
    path = export.write(args.format, cards, args.out, force=args.force)
    streams.print(f"saved {len(cards)} card(s) as {args.format} to {path}")
    return ExitStatus.OK


def cmd_quiz(args, streams):
    from . import quiz

    return quiz.command([lookup(topic) for topic in args.topics], streams.stdin, streams.stdout,
                        count=args.count, seed=args.seed, section=args.section,
                        as_json_output=args.json, answers=args.answers)


def cmd_completion(args, streams):
    from .output import completion

    streams.print(completion.script(args.shell, build_parser(streams)), end="")
    return ExitStatus.OK


def cmd_lint(args, streams):
    """OK clean, FAILED findings, USAGE for usage or a file that cannot be read or parsed:
    lint's own statuses (ruff's), so a bad file is never mistaken for a finding."""
    from .lint import command, report

    if args.rules:
        streams.print(report.rules_table(as_json=args.format == "json"), end="")
        return ExitStatus.OK
    if not args.paths:
        return usage_error("name a file, a folder or - (standard input); or list the rules: "
                           "cheatsheet lint --rules", streams)
    try:
        return command.run(args.paths, args.format, args.select, args.ignore, args.fix,
                           args.diff, args.unsafe_fixes, streams.stdin, streams.stdout,
                           streams.stderr)
    except command.UsageError as error:
        return usage_error(error, streams)


# -- the command line, declared once ------------------------------------------------------------
# {name: (its function, its help, its arguments)}, in the order `--help` lists them; build_parser
# makes argparse's parser of it, quick_args reads it for a lookup. "{plots}" in a help is the
# plot names, filled in by build_parser: a lookup never imports the plot module.
COMMANDS = {
    "list": (cmd_list, "list the cards by roadmap section", OUTPUT),
    "show": (cmd_show, "show a card: note, tested code, pitfalls, how to run it", (
        *OUTPUT, TOPIC, argument("--code", action="store_true",
                                 help="print only copy-ready code"))),
    "search": (cmd_search, "ranked full-text search over every card", (
        *OUTPUT, argument("words", nargs="+", help="a question or words, e.g. prevent "
                                                   "overfitting, time series"))),
    "explain": (cmd_explain, "explain an error message: why it happened, the fix, the card "
                             "to read", (
        *OUTPUT, argument("text", nargs="+", metavar="TEXT",
                          help="the error message, quoted; - reads a whole traceback from "
                               "standard input"))),
    "roadmap": (cmd_roadmap, "the study path, fundamentals to deployment", OUTPUT),
    "run": (cmd_run, "run a card's demo and check its figure against the target", (
        *AS_JSON, *SEEDED, argument("topic", help="topic or alias"),
        argument("--plot", metavar="PATH",
                 help="also save the card's picture (.png, .svg, .pdf or .jpg)"),
        argument("--force", action="store_true", help="overwrite an existing --plot file"))),
    "check": (cmd_check, "run every card (or the named ones): smoke-test a machine", (
        *AS_JSON, *SEEDED,
        argument("topics", nargs="*", metavar="TOPIC", help="cards to run (default: all)"),
        argument("--jobs", type=job_count, default=None, metavar="N",
                 help="worker processes, each importing Keras once (default: one per core, "
                      "at most 4; 1 runs every card in this process)"),
        argument("--as-written", action="store_true",
                 help="run every card in this process exactly as its file is written: none "
                      "of the tuning check's header lists"),
        argument("--backend", choices=BACKENDS, default=None, exclusive="backend",
                 help="Keras backend to run the cards on (default: $KERAS_BACKEND, else "
                      "tensorflow)"),
        argument("--all-backends", action="store_true", exclusive="backend",
                 help="run every installed backend, each in its own process: a card x "
                      "backend grid"))),
    "plot": (cmd_plot, "save a picture: {plots}", (
        *SEEDED, argument("name", metavar="NAME", help="one of: {plots}"),
        argument("--out", metavar="PATH", required=True,
                 help="picture to write: .png, .svg, .pdf or .jpg"),
        argument("--topic", default=None,
                 help="for learning-curves: whose demo to train (default: early-stopping)"),
        FORCE)),
    "copy": (cmd_copy, "write a card as a runnable script: its code and its demo", (
        TOPIC, argument("--to", metavar="FILE",
                        help="write FILE (or DIR/<module>.py), not stdout (-: stdout)"),
        FORCE)),
    "export": (cmd_export, "export cards as Markdown, a notebook or one web page", (
        argument("--format", required=True, choices=("markdown", "notebook", "html", "anki"),
                 help="one Markdown document, a Jupyter notebook, one printable page, or an "
                      "Anki deck of the quiz's questions (.apkg, needs genanki)"),
        argument("--out", required=True, metavar="PATH",
                 help="file (or directory) to write; - for standard output"),
        argument("topics", nargs="*", metavar="TOPIC",
                 help="cards to export, in roadmap order (default: every card)"),
        FORCE)),
    "quiz": (cmd_quiz, "revise: questions generated from the tested cards, scored", (
        *AS_JSON,
        argument("topics", nargs="*", metavar="TOPIC",
                 help="cards to ask about (default: every card)"),
        argument("--count", type=count_number, default=10,
                 help="how many questions (default: 10; fewer if the cards make fewer)"),
        argument("--seed", type=seed_number, default=None,
                 help="the same seed asks the same quiz (default: a new one each time)"),
        argument("--section", metavar="NAME", help="only cards of this roadmap section"),
        argument("--answers", action="store_true",
                 help="print the questions with their answers, for paper; ask nothing"))),
    "completion": (cmd_completion, "print a shell completion script: commands, topics and "
                                   "plot names", (
        argument("shell", choices=("bash", "zsh", "fish"),
                 help="the shell to complete in, e.g. source <(cheatsheet completion "
                      "bash)"),)),
    "lint": (cmd_lint, "find tf.keras 2 habits and Keras 3 mistakes in a lab's code (.py, "
                       ".ipynb, folders; - for stdin), and fix the safe ones", (
        argument("paths", nargs="*", metavar="PATH", help="files or folders to check"),
        argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                 help="output format (default: text, path:line:col: CODE message)"),
        argument("--select", metavar="CODES", help="only these rules, e.g. KC301,KC4"),
        argument("--ignore", metavar="CODES", help="not these rules, e.g. KC101"),
        argument("--fix", action="store_true", help="apply the safe fixes in place"),
        argument("--diff", action="store_true",
                 help="print the fixes as a unified diff; write nothing"),
        argument("--unsafe-fixes", action="store_true",
                 help="with --fix or --diff, also the fixes that may change behaviour"),
        argument("--rules", action="store_true",
                 help="list every rule with its card, and exit"))),
}
