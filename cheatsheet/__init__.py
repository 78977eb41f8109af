"""keras-cheatsheet: every card of the deep-learning cheatsheet as a tested Keras 3 function."""

__version__ = "0.1.0"
