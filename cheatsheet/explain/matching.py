"""explain's matching: clean a paste, then find the templates in it whole, else guess.

The three steps are described in explain/__init__.py, which imports this module to explain a
paste, and for search only when its words could match a template (see looks_like_error).

explain is a lookup, held to twice Python's start-up, and compiling all of this module's
patterns was much of its own work (bench/README.md). So each is compiled at its first use
(Lazy), and a line or text that cannot match one is told by a plain string test first
(could_be_frame and the like): each test is True for every text its pattern can match
(tests/test_explain_cleaning.py holds them to it), so cleaning gives what it gave with every
pattern run, and a one-line message compiles none of them.
"""

import math
import re
from collections import namedtuple

from . import fold
from .entries import BY_ID, ENTRIES

Match = namedtuple("Match", "entry score line")  # line: the pasted line the match was found in

MAX_CANDIDATES = 3
GUESS_THRESHOLD = 0.6  # share of a template's word weight a text must hold to be a guess
GUESS_WITHIN = 0.15  # guesses this far below the best one are shown beside it
PLACEHOLDER_SPAN = 300  # characters one `{}` may stand for
MIN_WORDS = 3  # a guess holds at least this many of its template's words

# -- 1. cleaning a paste ---------------------------------------------------------------------------


class Lazy:
    """A regular expression compiled at its first use (match, sub, findall...)."""

    def __init__(self, pattern, flags=0):
        self.pattern, self.flags, self._compiled = pattern, flags, None

    def __getattr__(self, name):
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return getattr(self._compiled, name)


_ANSI = Lazy(r"\x1b\[[0-9;]*[A-Za-z]|\[[0-9;]{1,5}m")  # both forms hold a "["
_FRAME = Lazy(
    r"""^\s*(?:
        file\s+["'].*["'],\s+line\s+\d+        # Python:  File "x.py", line 3, in f
      | file\s+\S+:\d+(?:,\s+in\s+.*)?$        # IPython 8:  File ~/x.py:12, in f(a)
      | cell\s+in\s*\[\d*\],\s+line\s+\d+      # IPython 8:  Cell In[4], line 2
      | <ipython-input-[^>]*>\s+in\s+          # IPython 7
      | \S+\.py\s+in\s+\S+\(.*\)\s*$           # IPython 7 / Colab:  x.py in fit(self, ...)
      | -*>\s*\d+\s                            # ----> 5 model.fit(...)
      | \d+\s{2,}\S                            #       4 x = ... (the frame's source)
      | \^[\^~\s]*$                            # ^^^^ under the failing expression
      | [~\s]*\^[\^~\s]*$
      | -{10,}\s*$                             # IPython's rule
      | traceback\s+\(most\s+recent\s+call\s+last\)
      | during\s+handling\s+of\s+the\s+above\s+exception
      | the\s+above\s+exception\s+was\s+the\s+direct\s+cause
      | detected\s+at\s+node\s+
      | \[\[\{\{node\s
      | \[\[node\s
      | \.\.\.\s*\d+\s+frames?\s*$              # Colab: "... 3 frames"
      | <frozen\s
    )""", re.IGNORECASE | re.VERBOSE)
_WRAPPERS = (  # (a word each match holds, lower-cased; the wrapper)
    ("encountered", Lazy(r"exception encountered when calling [^\n]*?(?:\.call\(\)\.|\)\.|\.)"
                         r"(?=\s|$)", re.IGNORECASE)),
    ("could not", Lazy(r"could not automatically infer the output shape\s*/\s*dtype of .*?"
                       r"error encountered:", re.IGNORECASE | re.DOTALL)),
    ("[op:", Lazy(r"\[op:__inference_\w+\]", re.IGNORECASE)),
)
_ARGUMENTS = Lazy(r"^\s*(?:call\s+)?arguments\s+received\s+by\s+", re.IGNORECASE)
_BULLET = Lazy(r"^\s*[•*\-]\s+\w+=")
_LOG_PREFIX = Lazy(
    r"^(?:\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?:?\s+[IWEF]\s+\S+\]\s*"   # TF C++ log
    r"|[IWEF]\d{4}\s+\d\d:\d\d:\d\d\.\d+\s+\d+\s+\S+\]\s*"                     # glog
    r"|(?:WARNING|ERROR|INFO):(?:absl|tensorflow|root):"                        # Python logging
    r"|\S+\.py:\d+:\s+(?=\w*(?:Warning|Error):))")                              # warnings.warn
_PATH = Lazy(r"""(?:[a-z]:\\|~?/)[^\s'"`,()]+""", re.IGNORECASE)  # each holds a / or a \\
_ADDRESS = Lazy(r"0x[0-9a-f]{6,}", re.IGNORECASE)

# The characters _FRAME's forms start with, after spaces, lower-cased; or a digit; or the form
# holds ".py". None of these letters has a case-insensitive match beyond its capital (as the
# dotless i or the long s are i's and s's): lower() of the line's first character is exact.
FRAME_STARTS = frozenset("fc<->^~td[.")


def could_be_frame(line):
    first = line.lstrip()[:1].lower()
    return first in FRAME_STARTS or first.isdigit() or ".py" in line.lower()


def could_be_arguments(line):
    return line.lstrip()[:4].lower() in ("call", "argu")  # no i, s or k: see FRAME_STARTS


def could_have_log_prefix(line):
    return line[:1].isdigit() or line[:1] in ("I", "W", "E", "F") or ".py:" in line


def clean(text):
    """The message lines of a paste, without frames, wrappers or log prefixes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "[" in text:
        text = _ANSI.sub("", text)
    lines, source_indent, in_arguments = [], None, False
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip())
        if source_indent is not None and line.strip() and indent > source_indent:
            continue  # the source line printed under a frame
        source_indent = None
        if could_be_frame(line) and _FRAME.match(line):
            if re.match(r"\s*file\s", line, re.IGNORECASE):
                source_indent = indent
            continue
        if could_be_arguments(line) and _ARGUMENTS.match(line):
            in_arguments = True
            continue
        if in_arguments and (_BULLET.match(line) or not line.strip()):
            continue
        in_arguments = False
        if could_have_log_prefix(line):
            line = _LOG_PREFIX.sub("", line)
        lines.append(line.rstrip())
    text = "\n".join(lines)
    for word, wrapper in _WRAPPERS:
        if word in text.lower():
            text = wrapper.sub(" ", text)
    if "\n\n" in text:
        text = re.sub(r"\n{2,}", "\n", text)
    return text.strip()


# -- 2. folding text and templates to one form (fold(), in __init__.py) ---------------------------

def _pattern(parts):
    """A template's literal parts as a regular expression over folded text: `{}` is any short
    run. Compiled only for a text that holds every part (most texts hold none)."""
    return re.compile(f"(?:.{{0,{PLACEHOLDER_SPAN}}}?)".join(map(re.escape, parts)), re.DOTALL)


def _literal_length(template):
    return len(fold(template).replace("{}", ""))


# -- 3. ranking ------------------------------------------------------------------------------------

_WORD = Lazy(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
STOP_WORDS = frozenset("""
a an and are as at be by for from has have in is it it's its not of on or the this to was were
with you your use using""".split())


def words(text):
    """The distinctive words of folded text: identifiers split at dots, no numbers, no stop
    words, nothing of one letter."""
    found = set()
    for token in _WORD.findall(text):
        for part in {token, *token.split(".")}:
            if len(part) > 1 and part not in STOP_WORDS:
                found.add(part)
    return found


class Index:
    """The entries' templates, folded once: their literal parts and lengths; their word weights
    only when a text needs guessing (most pastes hold a template whole)."""

    def __init__(self, entries):
        self.templates = []  # (entry, literal parts, literal length, template)
        for item in entries:
            for template in item.templates:
                parts = tuple(part for part in fold(template).split("{}") if part)
                self.templates.append((item, parts, _literal_length(template), template))
        self.patterns = {}
        self._weights = None

    def weights(self):
        """[(entry, the template's words)] and each word's idf over the entries."""
        if self._weights is None:
            worded = [(item, words(fold(template.replace("{}", " "))))
                      for item, _, _, template in self.templates]
            documents = {}
            for item, template_words in worded:
                documents.setdefault(item.id, set()).update(template_words)
            frequency = {}
            for entry_words in documents.values():
                for word in entry_words:
                    frequency[word] = frequency.get(word, 0) + 1
            idf = {word: math.log(1 + len(documents) / seen) for word, seen in frequency.items()}
            self._weights = worded, idf
        return self._weights

    def match(self, text):
        """The best matches for a pasted message, best first: [Match], empty for none."""
        cleaned = clean(text)
        folded = fold(cleaned)
        if not folded:
            return []
        return self.found_whole(text, cleaned, folded) or self.guesses(cleaned, folded)

    def found_whole(self, text, cleaned, folded):
        """The matches of templates found whole (score 1.0) in the cleaned paste, else in its
        raw text: a paste cut short can hold the message only in a frame's source lines."""
        found = self.whole(cleaned, folded)
        if not found:
            raw = _ANSI.sub("", text) if "[" in text else text
            found = self.whole(raw, fold(raw), line=last_message_line(cleaned))
        return found

    def whole(self, cleaned, folded, line=None):
        """Entries with a template found whole: the longest template first, then the latest."""
        exact = {}
        for item, parts, length, _ in self.templates:
            if not all(part in folded for part in parts):
                continue
            if parts not in self.patterns:
                self.patterns[parts] = _pattern(parts)
            found = self.patterns[parts].search(folded)
            if found and length > exact.get(item.id, (0, 0))[0]:
                exact[item.id] = (length, found.start())
        ranked = sorted(exact.items(), key=lambda pair: (-pair[1][0], -pair[1][1]))
        return [Match(BY_ID[entry_id], 1.0,
                      line if line is not None else line_at(cleaned, folded, start))
                for entry_id, (_, start) in ranked[:MAX_CANDIDATES]]

    def guesses(self, cleaned, folded):
        """Entries whose template words the text mostly holds, when no template is whole: the
        share of the template's word weight the text holds (70%) and the share of the text's
        indexed words the template holds (30%), from at least MIN_WORDS of its words, its rarest
        word among them."""
        worded, idf = self.weights()
        present = words(folded) & idf.keys()
        text_total = sum(idf[word] for word in present)
        best = {}
        for item, template_words in worded:
            held = template_words & present
            if len(held) < MIN_WORDS:
                continue
            rarest = max(template_words, key=lambda word: (idf[word], word))
            if rarest not in held:
                continue
            weight = sum(idf[word] for word in held)
            score = (0.7 * weight / sum(idf[word] for word in template_words)
                     + 0.3 * weight / text_total)
            best[item.id] = max(best.get(item.id, 0.0), min(score, 0.99))
        ranked = sorted(best.items(), key=lambda pair: -pair[1])
        if not ranked or ranked[0][1] < GUESS_THRESHOLD:
            return []
        top = ranked[0][1]
        return [Match(BY_ID[entry_id], round(score, 3), last_message_line(cleaned))
                for entry_id, score in ranked[:MAX_CANDIDATES]
                if score >= GUESS_THRESHOLD and score >= top - GUESS_WITHIN]


def line_at(cleaned, folded, start):
    """The pasted line that holds the folded text's offset `start` (found by its words)."""
    prefix_words = len(folded[:start].split())
    seen = 0
    for line in cleaned.split("\n"):
        seen += len(line.split())
        if seen > prefix_words:
            return shorten(line)
    return last_message_line(cleaned)


def last_message_line(cleaned):
    lines = [line for line in cleaned.split("\n") if line.strip()]
    for line in reversed(lines):  # the exception's own line: "ValueError: ..."
        if re.match(r"\s*[\w.]*(?:Error|Exception|Warning|Exit|Interrupt)\b", line):
            return shorten(line)
    return shorten(lines[-1]) if lines else ""


def shorten(line, limit=300):
    line = " ".join(line.split())
    if "/" in line or "\\" in line:
        line = _PATH.sub(lambda found: ".../" + found.group().rsplit("/", 1)[-1], line)
    if "0x" in line or "0X" in line:
        line = _ADDRESS.sub("0x...", line)
    return line if len(line) <= limit else line[:limit - 3] + "..."


_index = None


def index():
    """The Index of every entry, built on first use."""
    global _index
    if _index is None:
        _index = Index(ENTRIES)
    return _index


def explain(text):
    """[Match] for a pasted error message or traceback, best first; [] when no entry fits."""
    return index().match(text)


def matches_whole(text):
    """Whether an entry's template is found whole in `text` (a guess is not enough)."""
    cleaned = clean(text)
    folded = fold(cleaned)
    return bool(folded) and bool(index().found_whole(text, cleaned, folded))
