"""Every rule proven on the installed Keras (Fixit's VALID/INVALID, tf_upgrade_v2's test that
the new name exists): its INVALID example fails as the message says, its VALID example and its
fixed INVALID example run clean. A rule whose invalid example stops failing on a newer Keras
fails here, so the rules stay true as Keras moves.

One process imports Keras once; the examples are tiny (NumPy data, no downloads). The rules
about TensorFlow itself are proven in one subprocess with TensorFlow blocked, on JAX.
"""

import json
import re

import pytest

from cheatsheet.cards import roadmap
from cheatsheet.lint import keras_api
from cheatsheet.lint.files import Document
from cheatsheet.lint.rules import RULES

from ..conftest import blocking_imports, run_python
from .examples import fixed, outcome

IN_PROCESS = [rule for rule in RULES if not rule.needs]
WITHOUT_TENSORFLOW = [rule for rule in RULES if rule.needs == "no-tensorflow"]


def lint_text(text):
    return Document("example.py", text).findings()


def codes(text):
    return {finding.rule for finding in lint_text(text)}


def failed_as_said(rule, result):
    error, caught = result
    return any(re.search(rule.expect, text) for text in [error or "", *caught] if text)


def clean(rule, result):
    error, caught = result
    return error is None and not any(re.search(rule.expect, text) for text in caught)


def test_codes_are_unique_stable_and_tied_to_cards():
    assert len({rule.code for rule in RULES}) == len(RULES) >= 25
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"KC[1-6]\d\d", rule.code), rule.code
        assert rule.card in roadmap.TOPICS, (rule.code, rule.card)
        assert rule.severity in ("error", "warning") and rule.fix in ("safe", "unsafe", None)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_invalid_example_is_found_and_the_valid_one_is_not(rule):
    assert rule.code in codes(rule.invalid)
    assert rule.code not in codes(rule.valid)
    errors = [f for f in lint_text(rule.valid) if f.severity == "error"]
    assert errors == [], errors


@pytest.mark.parametrize("rule", [rule for rule in RULES if rule.fix], ids=lambda rule: rule.code)
def test_the_fix_removes_the_finding_and_a_second_fix_changes_nothing(rule):
    once = fixed(rule.invalid, rule.code)
    assert once != rule.invalid
    assert rule.code not in codes(once)
    assert fixed(once, rule.code) == once


@pytest.mark.parametrize("rule", IN_PROCESS, ids=lambda rule: rule.code)
def test_the_invalid_example_fails_as_the_message_says(rule):
    if rule.backends:
        import keras

        if keras.config.backend() not in rule.backends:
            pytest.skip(f"{rule.code} says it fails on {', '.join(rule.backends)} only")
    result = outcome(rule.invalid + rule.probe)
    assert failed_as_said(rule, result), result


@pytest.mark.parametrize("rule", IN_PROCESS, ids=lambda rule: rule.code)
def test_the_valid_example_runs_clean(rule):
    result = outcome(rule.valid + rule.probe)
    assert clean(rule, result), result


@pytest.mark.parametrize("rule", [rule for rule in IN_PROCESS if rule.fix],
                         ids=lambda rule: rule.code)
def test_the_fixed_invalid_example_runs_clean(rule):
    result = outcome(fixed(rule.invalid) + rule.probe)  # all its fixes, as --fix would
    assert clean(rule, result), result


def test_kc111_is_proven_only_where_tf_keras_is_installed():
    rule = next(rule for rule in RULES if rule.code == "KC111")
    pytest.importorskip("tf_keras")
    assert failed_as_said(rule, outcome(rule.invalid))


@pytest.mark.slow
def test_the_tensorflow_rules_fail_without_tensorflow_and_their_fixes_do_not():
    pytest.importorskip("jax", reason="runs Keras on JAX with TensorFlow blocked: make "
                                      "test-backends installs jax")
    probe = (blocking_imports("tensorflow") + "from tests.lint.examples import main\n"
             f"main({[rule.code for rule in WITHOUT_TENSORFLOW]!r})\n")
    result = run_python("-c", probe, env={"KERAS_BACKEND": "jax"}, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for rule in WITHOUT_TENSORFLOW:
        assert failed_as_said(rule, report[rule.code]["invalid"]), (rule.code, report)
        assert clean(rule, report[rule.code]["fixed"]), (rule.code, report)
        assert clean(rule, report[rule.code]["valid"]), (rule.code, report)


def test_the_string_tables_equal_the_installed_keras():
    from keras.src import activations, losses, metrics, optimizers

    assert keras_api.LOSSES == set(losses.ALL_OBJECTS_DICT)
    assert keras_api.METRICS == set(metrics.ALL_OBJECTS_DICT)
    assert keras_api.OPTIMIZERS == set(optimizers.ALL_OBJECTS_DICT)
    assert keras_api.ACTIVATIONS == set(activations.ALL_OBJECTS_DICT)


def test_the_names_read_from_files_are_the_names_keras_exports():
    import keras

    for module in ("layers", "optimizers", "callbacks", "losses", "utils", "backend", "ops"):
        exported = {name for name in dir(getattr(keras, module)) if not name.startswith("_")}
        read = set(keras_api.module_names(f"keras.{module}"))
        assert read == exported, (module, read ^ exported)


def test_layer_keywords_read_from_source_are_what_the_layer_accepts():
    import inspect

    import keras

    for name in ("Dense", "Conv2D", "LSTM", "Embedding", "Dropout", "BatchNormalization"):
        accepted = keras_api.keyword_names(f"keras.layers.{name}")
        own = set(inspect.signature(getattr(keras.layers, name).__init__).parameters) - {
            "self", "kwargs"}
        assert own <= accepted and {"name", "dtype", "trainable"} <= accepted, name
