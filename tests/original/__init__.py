"""The original tf.keras 2 sheet's code, one file per card, copied verbatim from
../shared/seed/deep-learning-cheatsheet.txt so tests can run it and prove what each card's
pitfalls say it does. The files are read as text and executed; pytest does not collect them,
nothing imports them, and ruff skips them (they are not valid on their own)."""

from pathlib import Path

HERE = Path(__file__).parent

# The names the sheet's blocks use without importing them.
PREAMBLE = """\
import numpy as np
import tensorflow as tf
from keras import Sequential
from keras.layers import (BatchNormalization, Conv2D, Dense, Dropout, Flatten,
                          LayerNormalization, LeakyReLU, LSTM, MaxPooling2D,
                          MultiHeadAttention, Reshape, SimpleRNN)
"""


def source(card):
    """The card's original block, exactly as the sheet prints it, except that the web page's
    no-break spaces (U+00A0, which Python rejects) are read as plain spaces."""
    return (HERE / f"{card}.py").read_text(encoding="utf-8").replace("\u00a0", " ")


def run(card, code=None, namespace=None):
    """Execute the original block (or `code`, a piece cut from it) after PREAMBLE; returns
    the namespace it defined. Exceptions propagate: a test asserts on them."""
    namespace = {"__name__": f"original_{card}"} if namespace is None else namespace
    exec(compile(PREAMBLE + (source(card) if code is None else code),
                 f"<original {card}>", "exec"), namespace)
    return namespace


def names(card):
    """The bare names a list-only block (losses, metrics) gives, comments dropped."""
    found = []
    for line in source(card).splitlines():
        word = line.split("#")[0].strip()
        if word.isidentifier():
            found.append(word)
    return found
