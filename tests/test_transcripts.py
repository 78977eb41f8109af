"""Every transcript in README.md, CONTRIBUTING.md and docs/ is what the commands print today
(issue 32): lookups exactly, training figures by shape. tests/transcripts.py runs them;
`python -m tests.transcripts` rewrites them after an intended change (review the diff)."""

import pytest

from .conftest import died_of_rendezvous_race
from .transcripts import FILES, blocks, clean, lay_out, run, same_shape

BLOCKS = [block for path in FILES if path.exists() for block in blocks(path)]
# The card x backend grid's transcript shows every backend: `make test-backends` runs it (marker
# all_backends), after installing them; `make test` installs TensorFlow only and leaves it out.
PARAMETERS = [pytest.param(block, marks=pytest.mark.all_backends)
              if any("--all-backends" in transcript.command for transcript in block) else block
              for block in BLOCKS]


def test_the_readme_and_the_docs_hold_transcripts():
    assert len(BLOCKS) >= 10 and {block[0].path.name for block in BLOCKS} >= {"README.md"}


@pytest.mark.slow
@pytest.mark.parametrize("block", PARAMETERS, ids=lambda block: repr(block[0]))
def test_a_transcript_prints_today_what_it_shows(block, tmp_path):
    if any("--all-backends" in transcript.command for transcript in block):
        for library in ("jax", "torch"):
            pytest.importorskip(library, reason="the grid's transcript shows all three backends")
    for transcript in block:  # in one folder, in order: a later command may see an earlier file
        lay_out(transcript, tmp_path)
        printed = clean(run(transcript.command, tmp_path))
        if died_of_rendezvous_race("\n".join(printed)):  # upstream: see conftest.py
            printed = clean(run(transcript.command, tmp_path))
        expected = clean(transcript.output)
        if transcript.trains:
            assert same_shape(expected, printed), (transcript, "\n".join(printed))
        else:
            assert printed == expected, transcript


@pytest.mark.parametrize(("expected", "printed", "fits"), [
    (["accuracy 0.982 (target >= 0.97)"], ["accuracy 0.954 (target >= 0.97)"], True),
    (["accuracy 0.982 (target >= 0.97)"], ["loss 0.954 (target >= 0.97)"], False),
    (["Epoch 1/15", "...", "built 35,914"], ["Epoch 1/15", "a", "b", "built 1,2"], True),
    (["Epoch 1/15", "..."], [], False),
    (["a"], ["a", "b"], False),
    (["cnn     ok    12.7  accuracy"], ["cnn     ok     3.1  accuracy"], True),
])
def test_training_output_is_compared_by_shape(expected, printed, fits):
    assert same_shape(expected, printed) is fits


def test_the_readme_is_read_in_five_minutes():
    lines = (FILES[0]).read_text(encoding="utf-8").splitlines()
    assert FILES[0].name == "README.md" and len(lines) <= 300
