import gc
import os

import pytest

from cheatsheet.cards import index
from cheatsheet.cards.cardfile import BACKENDS
from cheatsheet.demos.runner import load_keras
from cheatsheet.demos.tuning import quiet_stderr, untuned_datasets

# Imported here first, with file descriptor 2 silenced: TensorFlow's C++ start-up lines ignore
# TF_CPP_MIN_LOG_LEVEL and would otherwise open every test run's output.
with quiet_stderr():
    keras = load_keras("the card tests")
BACKEND = keras.config.backend()  # KERAS_BACKEND, read once at that import

# Issue 12: the same card tests run on every backend (make test-backends), two ways.
# - A test about one backend's own behaviour (a TensorFlow error message, tf.GradientTape) is
#   marked `@pytest.mark.<backend>_only` and deselected on the others; pytest's summary line
#   says how many. Stacked marks name several backends (tensorflow_only + jax_only: not torch).
# - A card's tests run on every backend, but on one its `Backends:` field leaves out they are
#   expected to fail (xfail); at the end, a card that passed all of them there fails the run:
#   its field must then declare that backend. So the declared backends are exactly those on
#   which its tests pass (the declared ones fail the run in the ordinary way).
ONLY = {f"{name}_only": name for name in BACKENDS}


@pytest.fixture(scope="module", autouse=True)
def datasets_untuned():
    """tf.data's autotuning off for each card test module (tuning.untuned_datasets says why):
    with one pytest worker per core, ending an iterator waited out a 17 ms timer, twice an
    epoch. It tunes buffer sizes and parallelism, never the data, so every figure is as with
    it on. Per module, not per session: a top-level test after it keeps TensorFlow's default."""
    with untuned_datasets():
        yield


@pytest.fixture
def collect_abandoned_iterators():
    """For a test whose fit or evaluate stops mid-epoch on TensorFlow: free its data iterator
    now. The model keeps it, a reference cycle keeps the model, and when a later garbage
    collection destroyed it, the destructor waited for tf.data's AUTOTUNE thread: 16-39 s
    of one pytest worker standing still (seen with a gc.callbacks probe and gdb), in whatever
    test happened to collect. Freed at once, it takes the ordinary fraction of a second."""
    yield
    gc.collect()


def card_of(item):
    """The card a test file is about: tests/cards/test_<module>.py -> the card of <module>."""
    module = os.path.basename(str(item.fspath))[len("test_"):-len(".py")]
    return next((card for card in index.CARDS if card.module == module), None)


def pytest_collection_modifyitems(config, items):
    kept, deselected = [], []
    for item in items:
        only = [ONLY[mark.name] for mark in item.iter_markers() if mark.name in ONLY]
        if only and BACKEND not in only:
            deselected.append(item)
            continue
        card = card_of(item)
        if card is not None and BACKEND not in card.backends:
            item.add_marker(pytest.mark.xfail(
                reason=f"{card.topic} does not declare {BACKEND}: "
                       f"{dict(card.unsupported)[BACKEND]}", strict=False))
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
    config.stash[DESELECTED] = len(deselected)
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: its controller prints the count
        config.workeroutput["deselected_for_backend"] = len(deselected)


# pytest's own "N deselected" is missing under pytest-xdist, whose workers collect and deselect
# while the controller reports: they hand it the count, and the summary says it on any run.
DESELECTED = pytest.StashKey[int]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    count = getattr(node, "workeroutput", {}).get("deselected_for_backend")
    if count is not None:  # every worker collects the same tests and deselects the same ones
        node.config.stash[DESELECTED] = count


def pytest_terminal_summary(terminalreporter, config):
    if DESELECTED in config.stash:
        terminalreporter.write_line(f"on {BACKEND}: {config.stash[DESELECTED]} card tests "
                                    "deselected (marked as another backend's behaviour)")


_undeclared_outcomes = {}  # topic -> [passed?] of its tests on a backend it leaves out


def pytest_runtest_logreport(report):
    if not hasattr(report, "wasxfail"):  # only the tests of cards on a backend they leave out
        return
    module = report.nodeid.split("::")[0].rsplit("/test_", 1)[-1][:-len(".py")]
    card = next((card for card in index.CARDS if card.module == module), None)
    if card is not None and (report.when == "call" or report.skipped):
        _undeclared_outcomes.setdefault(card.topic, []).append(report.passed)


def pytest_sessionfinish(session, exitstatus):
    passing = sorted(topic for topic, outcomes in _undeclared_outcomes.items() if all(outcomes))
    if passing:  # (under pytest-xdist the controller holds no items but gets every report)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"Backends: every test of {', '.join(passing)} passes on "
                                f"{BACKEND}, which its Backends: field leaves out; declare it",
                                red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def seeded():
    """Every card test starts from the same Python, NumPy and backend seeds."""
    keras.utils.set_random_seed(0)
