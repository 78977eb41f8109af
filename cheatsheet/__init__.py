"""keras-cheatsheet: every card of the deep-learning cheatsheet as a tested Keras 3 function."""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """`%load_ext cheatsheet` in IPython, Jupyter or Colab: adds %cheat (see cheatsheet.magic).
    Imported only here, so `import cheatsheet` and the CLI never pay for it."""
    from .magic import load_ipython_extension as load

    load(ipython)
