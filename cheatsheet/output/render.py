"""Turn cards into text: plain when piped, highlighted on a terminal. No heavy imports here."""

import keyword

PLAIN_WIDTH = 88  # fixed for plain output, so golden files do not depend on the terminal

# The headings of a card, the same in `show` and in every export.
NOTE_HEADING = "Note"
PITFALLS_HEADING = "Keras 3 pitfalls this card avoids"
RUN_HEADING = "Run and copy"
SEE_ALSO_HEADING = "See also:"
LINT_HEADING = "Lint rules (cheatsheet lint):"


class Style:
    """ANSI styling that collapses to plain text when color is off."""

    CODES = {"title": "1;36", "heading": "1", "topic": "1;32", "dim": "2", "keyword": "35",
             "string": "33", "comment": "2;37", "number": "36", "name": "1;34"}

    def __init__(self, color=False, width=PLAIN_WIDTH):
        self.color = color
        self.width = width

    def __call__(self, kind, text):
        if not self.color or not text:
            return text
        return f"\033[{self.CODES[kind]}m{text}\033[0m"


# What textwrap counts as whitespace; each becomes a space before the text is cut into words.
WHITESPACE = str.maketrans(dict.fromkeys("\t\n\x0b\x0c\r ", " "))


def fill(text, width, initial_indent="", subsequent_indent="", break_on_hyphens=False):
    """textwrap.fill's exact text, for its options that this module uses, without importing
    textwrap: it imports `re`, a quarter of `python -c pass` that a piped lookup need not pay.
    tests/test_render_fill.py proves the two the same. Hyphenated text goes to textwrap."""
    if break_on_hyphens and "-" in text:
        import textwrap

        return textwrap.fill(text, width=width, initial_indent=initial_indent,
                             subsequent_indent=subsequent_indent)
    if width <= 0:
        raise ValueError(f"invalid width {width!r} (must be > 0)")
    chunks, spaces = [], 0  # the words and the runs of spaces between them, as textwrap cuts
    for number, part in enumerate(text.expandtabs().translate(WHITESPACE).split(" ")):
        spaces += number > 0
        if part:
            if spaces:
                chunks.append(" " * spaces)
                spaces = 0
            chunks.append(part)
    if spaces:
        chunks.append(" " * spaces)
    chunks.reverse()
    lines = []
    while chunks:  # textwrap.TextWrapper._wrap_chunks, with drop_whitespace and long words cut
        line, length = [], 0
        indent = subsequent_indent if lines else initial_indent
        room = width - len(indent)
        if chunks[-1].strip() == "" and lines:
            del chunks[-1]
        while chunks and length + len(chunks[-1]) <= room:
            length += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > room:
            end = 1 if room < 1 else room - length
            line.append(chunks[-1][:end])
            chunks[-1] = chunks[-1][end:]
        if line and line[-1].strip() == "":
            del line[-1]
        if line:
            lines.append(indent + "".join(line))
    return "\n".join(lines)


def wrap(text, style, indent="  "):
    return fill(text, width=style.width, initial_indent=indent,
                         subsequent_indent=indent, break_on_hyphens=False)


def bullets(items, style, indent="  "):
    return "\n".join(fill(item, width=style.width, initial_indent=f"{indent}- ",
                                   subsequent_indent=f"{indent}  ", break_on_hyphens=False)
                     for item in items)


def code_spans(code):
    """The code cut into (text, kind) pieces that join back to it exactly; kind is one of
    keyword, string, number, comment, name (after def/class) or None. Both the terminal and
    the html export color code from these pieces."""
    import io
    import tokenize

    starts = [0]
    for line in code.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position):
        row, col = position
        return starts[min(row, len(starts)) - 1] + col

    string_types = {tokenize.STRING} | {getattr(tokenize, name) for name in (
        "FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name)}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return [(code, None)]
    spans, done, previous = [], 0, None
    for token in tokens:
        kind = None
        if token.type in string_types:
            kind = "string"
        elif token.type == tokenize.NUMBER:
            kind = "number"
        elif token.type == tokenize.COMMENT:
            kind = "comment"
        elif token.type == tokenize.NAME and keyword.iskeyword(token.string):
            kind = "keyword"
        elif token.type == tokenize.NAME and previous in ("def", "class"):
            kind = "name"
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            previous = token.string
        if kind is None:
            continue
        start, end = offset(token.start), offset(token.end)
        if start > done:
            spans.append((code[done:start], None))
        spans.append((code[start:end], kind))
        done = end
    if done < len(code):
        spans.append((code[done:], None))
    return spans


def highlight(code, style):
    """Color Python keywords, strings, numbers, comments and defined names on a terminal."""
    if not style.color:
        return code
    return "".join(style(kind, text) if kind else text for text, kind in code_spans(code))


def indent_block(text, prefix="    "):
    return "\n".join(prefix + line if line.strip() else line for line in text.splitlines())


def show(card, code, style, run_hint):
    """The full card: title, note, the tested code, pitfalls, how to run and copy it."""
    from ..cards.source import display_path, test_path

    aliases = ", ".join(card.aliases) or "none"
    parts = [
        f"{style('title', card.title)}  {style('dim', '(' + card.topic + ')')}",
        fill(f"{card.section} · aliases: {aliases}", width=style.width,
                      subsequent_indent="  ", break_on_hyphens=False),
        fill(backends_line(card), width=style.width, subsequent_indent="  ",
                      break_on_hyphens=False),
        wrap(card.summary, style, indent=""),
        "",
        style("heading", NOTE_HEADING),
        wrap(card.note, style),
        "",
        style("heading",
              f"Code: {display_path(card)} (tested in {test_path(card)})"),
        indent_block(highlight(code, style)),
        "",
        style("heading", PITFALLS_HEADING),
        bullets(card.pitfalls, style),
        "",
        style("heading", RUN_HEADING),
        indent_block(run_hint, "  "),
    ]
    if card.see_also:
        parts += ["", f"{style('heading', SEE_ALSO_HEADING)} {', '.join(card.see_also)}"]
    parts += lint_rules(card, style)
    return "\n".join(parts) + "\n"


def lint_rules(card, style):
    """The lint rules whose pitfall this card teaches: ["", "Lint rules...: KC201, KC204"]."""
    from ..cards.index import lint_codes  # the rules' table, kept with the index

    codes = lint_codes(card)
    if not codes:
        return []
    return ["", fill(f"{style('heading', LINT_HEADING)} {', '.join(codes)}",
                     width=style.width, subsequent_indent="  ", break_on_hyphens=True)]


def backends_line(card):
    """`runs on: tensorflow, jax · not torch: why` (the card's Backends: field)."""
    reasons = {}  # reason -> backends it explains, so one reason is printed once
    for name, reason in card.unsupported:
        reasons.setdefault(reason, []).append(name)
    return " · ".join([f"runs on: {', '.join(card.backends)}"]
                      + [f"not {', '.join(names)}: {reason}" for reason, names in reasons.items()])


def card_list(sections, style):
    """Cards grouped by section, one line each with the summary."""
    width = max(len(card.topic) for _, _, cards in sections for card in cards)
    parts = []
    for section, _, cards in sections:
        parts.append(style("heading", section))
        for card in cards:
            parts.append(f"  {style('topic', card.topic.ljust(width))}  {card.summary}")
        parts.append("")
    return "\n".join(parts)


def roadmap(sections, style):
    """The study path: numbered sections with why each comes here, then their cards."""
    width = max(len(card.topic) for _, _, cards in sections for card in cards)
    parts = [style("title", "Deep-learning study path: fundamentals to deployment"), ""]
    step = 0
    for number, (section, why, cards) in enumerate(sections, start=1):
        parts.append(style("heading", f"{number}. {section}"))
        parts.append(wrap(why, style, indent="   "))
        for card in cards:
            step += 1
            parts.append(f"   {step:>2}. {style('topic', card.topic.ljust(width))}  {card.title}")
        parts.append("")
    parts.append("Open a step with: cheatsheet show TOPIC")
    return "\n".join(parts) + "\n"


def search_results(hits, style):
    """Ranked hits: topic, title and the query words the card holds, then the card's line that
    holds most of them, so a learner sees at once whether it is the answer."""
    width = max(len(hit.card.topic) for hit in hits)
    room = max(style.width, 40) - 4
    lines = []
    for hit in hits:
        lines.append(f"{style('topic', hit.card.topic.ljust(width))}  {hit.card.title}  "
                     f"{style('dim', '[' + ', '.join(hit.words) + ']')}")
        if hit.line:
            field, text = hit.line
            text = " ".join(text.split())
            words = [word.lower() for word in hit.words]
            first = min((text.lower().find(word[:4]) for word in words
                         if text.lower().find(word[:4]) >= 0), default=0)
            if first > room // 2:  # the matched words, not the line's start, belong in view
                text = "..." + text[text.rfind(" ", 0, first - 20) + 1:]
            shown = f"{field}: {text}"
            if len(shown) > room:
                shown = shown[:room - 3].rstrip() + "..."
            lines.append("    " + style("dim", shown))
    return "\n".join(lines) + "\n"


def run_report(result, figure):
    """After `run`: what was built, the figure against its target, where the time went."""
    if result["status"] == "error":
        return f"failed      {figure}\n" + "".join(f"            {line}\n"
                                                  for line in result.get("where", []))
    seconds = result["seconds"]
    params = result.get("params")
    lines = [
        f"built       {params:,} parameters" if params else "built       no trainable model",
        f"result      {figure}: {'met' if result['status'] == 'ok' else 'MISSED'}",
        f"time        import {seconds['import']:.1f} s · demo {seconds['demo']:.1f} s · "
        f"total {seconds['total']:.1f} s",
    ]
    if result.get("plot"):
        lines.append(f"plot        saved to {result['plot']}")
    return "\n".join(lines) + "\n"


CHECK_COLUMNS = "{topic:<22} {status:<7} {seconds:>7}  {result}"


def check_header(environment):
    """Versions, backend and devices, then the column names of the table."""
    versions = [f"Python {environment['python']}"]
    if "tensorflow" in environment:
        versions.append(f"TensorFlow {environment['tensorflow']}")
    for name, label in (("jax", "JAX"), ("torch", "PyTorch")):
        if name in environment:
            versions.append(f"{label} {environment[name]}")
    keras_version = f"Keras {environment['keras']}"
    minimum = environment.get("keras_minimum")
    if minimum and environment.get("keras_below_minimum"):
        keras_version += f" (below {minimum}, the oldest the cards are tested on)"
    versions += [keras_version, f"backend {environment['backend']}"]
    return "\n".join([
        " · ".join(versions),
        f"devices: {', '.join(environment['devices']) or 'none found'}"
        + (f" (on physical {', '.join(environment['physical_devices'])})"
           if environment.get("physical_devices", environment["devices"])
           != environment["devices"] else "")
        + " · "
        f"Keras imported in {environment['import_seconds']:.1f} s",
        *([environment["tuning"]] if environment.get("tuning") else []),
        "",
        CHECK_COLUMNS.format(topic="topic", status="status", seconds="seconds", result="result"),
    ])


def check_row(result, figure):
    """A card's row; a card whose process crashed adds the last lines of its stderr below it."""
    row = CHECK_COLUMNS.format(topic=result["topic"], status=result["status"],
                               seconds=f"{result['seconds']['total']:.1f}", result=figure)
    return "\n".join([row, *(f"{'':<23}| {line}" for line in result.get("stderr", ()))])


def check_summary(report):
    """The lines under check's table (a demos.check.Report): how many cards met their targets,
    in how long, which did not, and which were not run on this backend."""
    ran, failed = len(report.results), report.failed
    imported = report.environment.get("import_seconds", 0.0)
    lines = [f"{ran - len(failed)} of {ran} cards met their targets in {report.seconds:.1f} s "
             f"(Keras import {imported:.1f} s)"
             + (f"; not met: {', '.join(failed)}" if failed else "")]
    if report.skipped:
        lines.append(f"not run on {report.backend} (their rows say why): "
                     f"{', '.join(row['topic'] for row in report.skipped)}")
    return "\n".join(lines) + "\n"
