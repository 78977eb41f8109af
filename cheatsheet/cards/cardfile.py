"""The card format: a snippet file's module docstring carries its whole card, read here as text.

A card file opens like this (keras-io's example header, then headed blocks)::

    \"\"\"
    Title: Convolutional neural network (CNN)
    Description: One sentence: capitalised, ending with a period, under 100 characters.
    Section: Architectures
    Aliases: conv, convnet, conv2d
    Use when: image classification, classify images, convolution
    See also: basics, activations
    Functions: build_cnn, load_digit_images

    ## Note

    What the idea is and why it works, in our own words; wrap the lines anywhere.

    ## Pitfalls

    - One bullet per pitfall the card avoids; continuation lines are indented.
    - ...
    \"\"\"

- `Section` names one of the sections in cheatsheet/cards/roadmap.py; `Aliases` are the other names
  people type (lower case, no spaces), `See also` other cards' topics, `Functions` the top-level
  definitions `show` prints, in reading order. Aliases and See also may be left empty.
- `Use when` (optional) lists, comma-separated, the problems a learner types that the card
  answers ("overfitting", "time series"): `search` ranks it with the title. Name only what the
  card's note, pitfalls or code really cover.
- `Backends` (see parse_backends) names the Keras backends the card runs on and gives the reason
  for each it leaves out: `Backends: tensorflow, jax; not torch: tf.distribute needs TensorFlow`.
- A header line that starts with spaces continues the field above it.
- The note is one paragraph and each pitfall one line once read: line breaks become spaces.
- The topic is the file name with `-` for `_` (snippets/early_stopping.py is `early-stopping`).

Why text and not `ast` or an import: every lookup reads every card's header, and importing a card
would import Keras (seconds), parsing it with `ast` ~1 ms a file. Errors name the file and line.
"""

import os.path

from ..errors import CheatsheetError

# The header's fields, in the order a card writes them. `Use when` lists the problems a card
# answers in a learner's words (for search); `Backends` the Keras 3 backends it runs on. A card
# without `Backends` is read as TensorFlow only, the backend every card was written for.
FIELDS = ("Title", "Description", "Section", "Aliases", "Use when", "See also", "Functions",
          "Backends")
LIST_FIELDS = ("Aliases", "Use when", "See also", "Functions")
OPTIONAL_FIELDS = ("Aliases", "Use when", "See also", "Backends")
BLOCKS = ("Note", "Pitfalls")
QUOTES = ('"""', 'r"""')
BACKENDS = ("tensorflow", "jax", "torch")  # in the order grids print them

class CardFormatError(CheatsheetError):
    """A card file that breaks the format: says which file, which line and what is wrong."""

    def __init__(self, path, line, message):
        self.path, self.line, self.message = path, line, message
        where = f"{display(path)}:{line}" if line else display(path)
        super().__init__(f"{where}: {message}")


def display(path):
    """snippets/<file>.py for a file of this project's snippets/, else the path as given."""
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return f"{parent}/{os.path.basename(path)}" if parent == "snippets" else path


def topic_of(path):
    """The topic a card file defines: its name, `_` read as `-`."""
    return os.path.splitext(os.path.basename(path))[0].replace("_", "-")


def docstring_lines(path, text):
    """[(line number, line)] between the opening and closing triple quotes of the module."""
    lines = text.splitlines()
    if not lines or lines[0].strip() not in QUOTES:
        raise CardFormatError(path, 1, 'a card file opens with a line holding only """')
    for number in range(1, len(lines)):
        if lines[number].strip() == '"""':
            return [(index + 1, lines[index]) for index in range(1, number)]
    raise CardFormatError(path, 1, 'the docstring has no closing line holding only """')


def parse(path, text=None):
    """The card fields of one file: a dict with `topic`, `module`, the header fields (lists for
    LIST_FIELDS), `note`, `pitfalls`, and `lines` (the line number of each field)."""
    if text is None:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    numbered = docstring_lines(path, text)
    header, rest = _split_header(path, numbered)
    fields, lines = _header_fields(path, header)
    blocks, block_lines = _blocks(path, rest, numbered)
    card = {"topic": topic_of(path), "module": os.path.splitext(os.path.basename(path))[0]}
    for name in FIELDS:
        value = fields.get(name, "")
        card[name] = [item.strip() for item in value.split(",") if item.strip()] \
            if name in LIST_FIELDS else value
    card["backends"], card["unsupported"] = parse_backends(path, lines.get("Backends"),
                                                           fields.get("Backends", ""))
    card["note"] = " ".join(blocks["Note"])
    card["pitfalls"] = _bullets(path, blocks["Pitfalls"])
    card["lines"] = {**lines, **block_lines}
    return card


def _split_header(path, numbered):
    if not numbered or not numbered[0][1].strip():
        raise CardFormatError(path, 2, "the docstring starts with the header: 'Title: ...'")
    for position, (_, line) in enumerate(numbered):
        if not line.strip():
            return numbered[:position], numbered[position:]
    return numbered, []


def _header_fields(path, header):
    fields, lines, last = {}, {}, None
    for number, line in header:
        if line[:1].isspace():
            if last is None:
                raise CardFormatError(path, number, "a continuation line with no field above it")
            fields[last] += " " + line.strip()
            continue
        key, colon, value = line.partition(":")
        if not colon or key not in FIELDS:
            raise CardFormatError(path, number, f"expected 'Field: value' with a field among "
                                                f"{', '.join(FIELDS)}; got {line[:60]!r}")
        if key in fields:
            raise CardFormatError(path, number, f"field {key!r} appears twice")
        fields[key], lines[key], last = value.strip(), number, key
    end = header[-1][0] if header else 2
    for key in FIELDS:
        if key not in fields and key not in OPTIONAL_FIELDS:
            raise CardFormatError(path, end, f"the header has no {key!r} field")
        if key not in OPTIONAL_FIELDS and not fields[key]:
            raise CardFormatError(path, lines[key], f"field {key!r} is empty")
    description = fields["Description"]
    if not (description[:1].isupper() and description.endswith(".") and len(description) < 100):
        raise CardFormatError(path, lines["Description"], "the description is one sentence: "
                                                          "capitalised, ending with a period, "
                                                          "under 100 characters")
    return fields, lines


def _blocks(path, rest, numbered):
    blocks, lines, current = {}, {}, None
    for number, line in rest:
        if line.startswith("## "):
            current = line[3:].strip()
            if current not in BLOCKS:
                raise CardFormatError(path, number, f"unknown block {current!r}; blocks are "
                                                    f"{', '.join('## ' + name for name in BLOCKS)}")
            if current in blocks:
                raise CardFormatError(path, number, f"block {current!r} appears twice")
            blocks[current], lines[current] = [], number
        elif line.strip():
            if current is None:
                raise CardFormatError(path, number, "text after the header belongs in a block "
                                                    "('## Note', '## Pitfalls')")
            blocks[current].append((number, line))
    end = numbered[-1][0] + 1 if numbered else 2
    for name in BLOCKS:
        if not blocks.get(name):
            raise CardFormatError(path, lines.get(name, end), f"the card needs a non-empty "
                                                              f"'## {name}' block")
    blocks["Note"] = [line.strip() for _, line in blocks["Note"]]
    return blocks, lines


def _bullets(path, numbered):
    items = []
    for number, line in numbered:
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line[:1].isspace() and items:
            items[-1] += " " + line.strip()
        else:
            raise CardFormatError(path, number, "a pitfall starts with '- '; its further lines "
                                                "are indented")
    return items


def parse_backends(path, line, value):
    """(backends, {left-out backend: reason}) from a `Backends:` value.

    The value lists the backends the card runs on, then one `; not NAME[, NAME]: reason` clause
    for the ones it leaves out, so every backend in BACKENDS is either declared or explained::

        Backends: tensorflow, jax, torch
        Backends: tensorflow, jax; not torch: keras.distribution has no torch implementation
    """
    if not value:
        return ("tensorflow",), {name: "the card does not declare it (no Backends: field)"
                                 for name in BACKENDS if name != "tensorflow"}
    declared_part, *clauses = value.split(";")
    declared = [name.strip() for name in declared_part.split(",") if name.strip()]
    unsupported = {}
    for clause in clauses:
        names, colon, reason = clause.strip().partition(":")
        if not names.startswith("not ") or not colon or not reason.strip():
            raise CardFormatError(path, line, f"expected '; not NAME: reason' after the backends "
                                              f"it runs on; got {clause.strip()[:60]!r}")
        for name in names[4:].split(","):
            unsupported[name.strip()] = reason.strip()
    named = declared + list(unsupported)
    unknown = [name for name in named if name not in BACKENDS]
    if unknown:
        raise CardFormatError(path, line, f"unknown backend {unknown[0]!r}; backends are "
                                          f"{', '.join(BACKENDS)}")
    if not declared:
        raise CardFormatError(path, line, "a card runs on at least one backend")
    if len(set(named)) != len(named):
        raise CardFormatError(path, line, "a backend is named twice")
    missing = [name for name in BACKENDS if name not in named]
    if missing:
        raise CardFormatError(path, line, f"say whether the card runs on {', '.join(missing)}: "
                                          f"declare it, or add '; not {missing[0]}: reason'")
    return tuple(name for name in BACKENDS if name in declared), \
        {name: unsupported[name] for name in BACKENDS if name in unsupported}
