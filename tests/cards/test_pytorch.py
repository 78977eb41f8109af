import ast
import importlib
import sys

import keras
import numpy as np
import pytest

from snippets import pytorch

from ..conftest import REPO, blocking_imports, run_python
from ..kerastest import assert_trains_and_round_trips
from .keep_models import demo_accuracy_measured_by_sklearn

# Runs the card as a script where `import torch` fails, as on a machine without the extra.
WITHOUT_TORCH = blocking_imports("torch") + (
    "import runpy\n"
    "runpy.run_path(sys.argv[1], run_name='__main__')\n"
    "print('torch imported:', any(name.split('.')[0] == 'torch' for name in sys.modules))\n"
)
# Hand count: conv kernels are 3 * 3 * in * out plus one bias per filter; Dense is in * out + out.
HAND_COUNT = (3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64) + (9216 * 128 + 128) + (128 * 10 + 10)


@pytest.fixture
def torch():
    return pytest.importorskip(
        "torch", reason="torch is an optional extra (pip install keras-cheatsheet[torch])")


@pytest.fixture
def twin_of_torch_net(torch):
    """A torch Net with its default random init, and the Keras twin holding its weights."""
    torch.manual_seed(0)
    net = pytorch.build_torch_net().eval()
    return net, pytorch.copy_torch_weights(net, pytorch.build_keras_twin())


def nchw_batch(seed, size=8, side=28):
    return np.random.default_rng(seed).random((size, 1, side, side)).astype("float32")


def test_keras_twin_has_the_hand_counted_1199882_parameters():
    twin = pytorch.build_keras_twin()
    assert HAND_COUNT == twin.count_params() == 1_199_882


def test_9216_is_64_channels_of_12x12_as_a_1x28x28_input_gives():
    after_pooling = ((28 - 2) - 2) // 2  # two 3x3 valid convolutions, then a 2x2 pool
    assert after_pooling * after_pooling * 64 == 9216
    assert pytorch.build_keras_twin().get_layer("fc1").input.shape == (None, 9216)


def test_torch_net_has_the_same_parameter_count(torch):
    net = pytorch.build_torch_net()
    assert sum(parameter.numel() for parameter in net.parameters()) == HAND_COUNT


# Two valid 3x3 convolutions take 4 pixels off each side, then pooling halves it rounding down:
# fc1's 9216 = 64 * 12 * 12 needs (side - 4) // 2 == 12, i.e. sides 28 or 29, in either axis.
FITTING_SIZES = [(28, 28), (28, 29), (29, 29)]
FAILING_SIZES = [(27, 27), (30, 30)]


def test_the_pooled_side_is_12_only_for_28_and_29():
    assert [side for side in range(20, 40) if (side - 4) // 2 == 12] == [28, 29]


@pytest.mark.parametrize("height, width", FITTING_SIZES + FAILING_SIZES)
def test_torch_net_runs_exactly_when_pooling_gives_12x12(torch, height, width):
    net = pytorch.build_torch_net().eval()
    x = torch.from_numpy(np.zeros((2, 1, height, width), "float32"))
    if (height, width) in FITTING_SIZES:
        assert net(x).shape == (2, 10)
    else:
        with pytest.raises(RuntimeError, match="cannot be multiplied"):
            net(x)


@pytest.mark.parametrize("height, width", FITTING_SIZES + FAILING_SIZES)
def test_keras_twin_layers_fit_the_same_sizes(height, width):
    twin = pytorch.build_keras_twin()
    x = keras.Input(shape=(height, width, 1))
    if (height, width) in FITTING_SIZES:
        for layer in twin.layers[1:]:  # the twin's own layers, fc1 already built for 9216
            x = layer(x)
        assert tuple(x.shape) == (None, 10)
    else:
        with pytest.raises(ValueError):
            for layer in twin.layers[1:]:
                x = layer(x)


@pytest.mark.parametrize("seed", [1, 2])
def test_twin_with_copied_weights_matches_the_torch_net(twin_of_torch_net, torch, seed):
    net, twin = twin_of_torch_net
    images = nchw_batch(seed)
    with torch.no_grad():
        expected = net(torch.from_numpy(images)).numpy()
    nhwc = images.transpose(0, 2, 3, 1)  # (batch, 1, 28, 28) -> (batch, 28, 28, 1)
    np.testing.assert_allclose(twin.predict(nhwc, verbose=0), expected, atol=1e-5, rtol=0)


def test_keras_loss_on_log_probabilities_equals_torch_nll_loss(twin_of_torch_net, torch):
    net, twin = twin_of_torch_net
    images = nchw_batch(3)
    labels = np.random.default_rng(3).integers(0, 10, size=len(images))
    with torch.no_grad():
        log_probabilities = net(torch.from_numpy(images))
        torch_loss = float(torch.nn.NLLLoss()(log_probabilities, torch.from_numpy(labels)))
    by_hand = -np.mean(log_probabilities.numpy()[np.arange(len(labels)), labels])
    keras_loss = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        labels, twin.predict(images.transpose(0, 2, 3, 1), verbose=0)))
    np.testing.assert_allclose([torch_loss, keras_loss], [by_hand, by_hand], rtol=1e-5)


def test_cross_entropy_on_log_probabilities_is_redundant_but_nll_on_scores_is_wrong(torch):
    torch.manual_seed(0)
    net = pytorch.build_torch_net().eval()
    labels = torch.from_numpy(np.random.default_rng(5).integers(0, 10, size=8))
    with torch.no_grad():
        log_probabilities = net(torch.from_numpy(nchw_batch(5)))
    nll = float(torch.nn.NLLLoss()(log_probabilities, labels))
    # log_softmax of log-probabilities changes nothing, so CrossEntropyLoss gives the same value.
    assert float(torch.nn.CrossEntropyLoss()(log_probabilities, labels)) == pytest.approx(nll)
    # Raw scores (here log-probabilities + 50, the same softmax) fed to NLLLoss: no longer a
    # loss of probabilities; it drops by the shift and goes below zero.
    scores = log_probabilities + 50.0
    nll_of_scores = float(torch.nn.NLLLoss()(scores, labels))
    assert nll_of_scores == pytest.approx(nll - 50.0) and nll_of_scores < 0
    assert float(torch.nn.CrossEntropyLoss()(scores, labels)) == pytest.approx(nll, rel=1e-5)


# Keras on the torch backend cannot import without torch
@pytest.mark.tensorflow_only
@pytest.mark.jax_only
def test_module_imports_and_builds_the_twin_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    try:
        module = importlib.reload(pytorch)
        assert module.build_keras_twin().count_params() == HAND_COUNT
        with pytest.raises(ImportError):
            module.build_torch_net()
    finally:
        monkeypatch.undo()
        importlib.reload(pytorch)


@pytest.mark.slow
@pytest.mark.tensorflow_only
@pytest.mark.jax_only
def test_card_runs_its_demo_as_a_script_without_torch(tmp_path):
    result = run_python("-c", WITHOUT_TORCH, str(REPO / "snippets" / "pytorch.py"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "held-out accuracy" in result.stdout and "torch imported: False" in result.stdout


def test_nothing_else_in_the_project_imports_torch():
    def torch_imports(tree, top_level_only=False):
        nodes = tree.body if top_level_only else ast.walk(tree)
        return [node for node in nodes if isinstance(node, (ast.Import, ast.ImportFrom))
                and "torch" in {(alias.name if isinstance(node, ast.Import) else node.module or "")
                                .split(".")[0] for alias in node.names}]

    # A card about the backends' own forms (custom-training's torch loop) imports torch inside
    # the function that shows it; no card at the top, where it would need torch to load.
    cards = list((REPO / "snippets").glob("*.py"))
    assert cards and not [path.name for path in cards
                          if torch_imports(ast.parse(path.read_text()), top_level_only=True)]
    about_backends = {"pytorch.py", "custom_training.py"}
    others = [path for path in [*cards, *(REPO / "cheatsheet").glob("*.py")]
              if path.name not in about_backends]
    assert others and not [path.name for path in others
                           if torch_imports(ast.parse(path.read_text()))]


def test_twin_trains_one_step_and_round_trips(tmp_path):
    rng = np.random.default_rng(4)
    images = rng.random((16, 28, 28, 1)).astype("float32")
    labels = rng.integers(0, 10, size=16)
    assert_trains_and_round_trips(pytorch.build_keras_twin(), images, labels, tmp_path, {
        "optimizer": "adam", "loss": keras.losses.SparseCategoricalCrossentropy(from_logits=True)})


def test_demo_trains_the_twin_past_threshold():
    result, accuracy = demo_accuracy_measured_by_sklearn(pytorch, "build_keras_twin")
    assert accuracy >= result["target"] == 0.85
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)  # the figure `run` prints
    assert result["params"] == HAND_COUNT
