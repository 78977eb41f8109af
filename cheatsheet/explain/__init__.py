"""`cheatsheet explain`: a pasted error message (or a whole traceback) to the entry for it.

Matching, in three steps:
1. clean(): drop what a paste carries besides the message: traceback frames and their source
   lines, IPython's and Colab's frame headers, the "Exception encountered when calling ...",
   "Arguments received by ..." and "Could not automatically infer the output shape" wrappers,
   TensorFlow's node traces, log prefixes, ANSI colors, file paths.
2. fold(): one form for the text and for every template: lower case, one kind of quote
   (' " ` and curly quotes), single spaces.
3. Rank by template. A template is the message with `{}` where a name, shape, number or path
   goes; a template found whole in the folded text is a match (score 1.0), and of several, the
   longest template (the most specific) comes first. With none found whole, each template's
   distinctive words are weighed (idf over the index; numbers, shapes and names are not words of
   any template) and an entry holding most of its template's weight is a guess (score < 1).
   Up to three guesses are returned when they are close: unsure means "one of these".

Standard library only, and no Keras: explain is a lookup. Every search imports this module, to
ask looks_like_error: so the entries and the patterns of steps 1 and 3 live in matching.py,
imported only by a text that could match.
"""

# -- 2. folding text and templates to one form ---------------------------------------------------

_QUOTES = str.maketrans({'"': "'", "`": "'", "\u2018": "'", "\u2019": "'", "\u201c": "'",
                         "\u201d": "'", "\u2022": "*"})


def fold(text):
    return " ".join(text.translate(_QUOTES).lower().split())


def explain(text):
    """[Match] for a pasted error message or traceback, best first; [] when no entry fits."""
    from . import matching

    return matching.explain(text)


def looks_like_error(text):
    """Whether `text` matches an entry's template whole: what search asks before it suggests
    `cheatsheet explain`. A guess is not enough: a learner's question shares words with them.

    Most searches are questions, answered without loading the entries or the patterns: a
    template found whole has each word of its literal text, its key word (key_words) among
    them, inside a word of the folded text that cleaning left; and every word cleaning leaves is
    part of a word of the paste itself (it drops lines, log prefixes and wrappers, a space in a
    wrapper's place), but for ANSI colour codes, which it cuts out of a word and which all hold
    a `[`. So a text without a `[` that holds no key word, folded, matches no template.
    """
    words = key_words()
    if words is not None and "[" not in text:
        folded = fold(text)
        if not any(word in folded for word in words):
            return False
    from . import matching

    return matching.matches_whole(text)


KEY_WORDS_FORMAT = 1  # what the cache file holds; a change gives new files, never a misread one


def key_words():
    """template_key_words(), from the cache file `explain` (cheatsheet.cache) while the modules
    they come from are unchanged."""
    import os

    from .. import cache

    here = os.path.dirname(os.path.abspath(__file__))
    try:
        key = KEY_WORDS_FORMAT, cache.file_stats(
            [os.path.join(here, name) for name in ("__init__.py", "entries.py")])
    except OSError:  # a module file gone: work them out, keep no cache
        key = None
    return cache.cached("explain", key, template_key_words)


def template_key_words():
    """Each template's key word, once: the longest word of its folded literal text that is ASCII
    (so that lower() of the letters around it cannot change it); None when a template has none
    (no text can be rejected)."""
    from .entries import ENTRIES

    found = set()
    for entry in ENTRIES:
        for template in entry.templates:
            candidates = [word for part in fold(template).split("{}") for word in part.split()
                          if word.isascii()]
            if not candidates:
                return None
            found.add(max(candidates, key=len))
    return tuple(sorted(found))


# -- what explain prints ---------------------------------------------------------------------------

NO_ENTRY = ("no entry for this error: it does not look like a Keras error the index knows. "
            "For a question in your own words, try: cheatsheet search WORDS")


def as_json(matches):
    """One dict per match: what `explain --json` prints."""
    return [{"id": match.entry.id, "title": match.entry.title, "card": match.entry.card,
             "cause": match.entry.cause, "fix": match.entry.fix, "score": match.score,
             "happened": match.line, "rule": match.entry.rule} for match in matches]


LINT_HINT = "Found before a run by: cheatsheet lint --select {rule} LAB.py"


def text(matches, style, show="cheatsheet show", lint=LINT_HINT):
    """The matches as a learner reads them: the title, what happened (the pasted line), why,
    the fix as highlighted code, the card to read next and the lint rule that finds the cause
    before a run. Several matches: said plainly."""
    from ..output import render

    parts = []
    if len(matches) > 1:
        parts += [style("heading", f"Not sure: it is one of these {len(matches)}, most likely "
                                   "first."), ""]
    for number, match in enumerate(matches, start=1):
        entry = match.entry
        title = f"{number}. {entry.title}" if len(matches) > 1 else entry.title
        known = entry.id if match.score >= 1.0 else f"{entry.id} · a guess, {match.score:.2f}"
        parts += [f"{style('title', title)}  {style('dim', '(' + known + ')')}"]
        if match.line:
            parts += [render.wrap(f"What happened: {match.line}", style)]
        parts += [render.wrap(f"Why: {entry.cause}", style), "  Fix:",
                  render.indent_block(render.highlight(entry.fix.rstrip("\n"), style), "    "),
                  f"  Read next: {style('topic', f'{show} {entry.card}')}"]
        if entry.rule:
            parts += ["  " + lint.format(rule=entry.rule)]
        parts += [""]
    return "\n".join(parts)
