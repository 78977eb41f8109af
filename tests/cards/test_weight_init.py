import keras
import numpy as np
import pytest

from snippets import weight_init as card

from .conftest import BACKEND
from .keep_models import run_demo_keeping_models

FAN_IN, FAN_OUT = 512, 256  # a (512, 256) kernel: 131,072 draws, variance known to ~0.4%


def sample(name, shape=(FAN_IN, FAN_OUT)):
    return keras.ops.convert_to_numpy(card.make_initializer(name)(shape)).astype("float64")


@pytest.mark.parametrize("name, variance", [
    ("glorot_uniform", 2 / (FAN_IN + FAN_OUT)), ("glorot_normal", 2 / (FAN_IN + FAN_OUT)),
    ("he_normal", 2 / FAN_IN), ("he_uniform", 2 / FAN_IN), ("small_normal", 0.01**2),
])
def test_sampled_weight_variance_equals_the_formula(name, variance):
    weights = sample(name)
    assert abs(weights.mean()) < 0.02 * np.sqrt(variance)
    np.testing.assert_allclose(weights.var(), variance, rtol=0.03)


def test_he_scales_with_fan_in_and_a_fixed_normal_does_not():
    wide = keras.ops.convert_to_numpy(card.make_initializer("he_normal")((2048, 64)))
    np.testing.assert_allclose(wide.var(), 2 / 2048, rtol=0.03)
    fixed = keras.ops.convert_to_numpy(card.make_initializer("small_normal")((2048, 64)))
    np.testing.assert_allclose(fixed.var(), 0.01**2, rtol=0.03)  # the same as at fan_in 512


def test_relu_halves_the_mean_square_of_a_symmetric_input():
    z = np.random.default_rng(0).normal(size=1_000_000)
    relu = keras.ops.convert_to_numpy(keras.activations.relu(z.astype("float32")))
    np.testing.assert_allclose(np.mean(relu.astype("float64") ** 2), np.mean(z**2) / 2, rtol=0.01)


def test_uniform_and_truncated_draws_stay_inside_their_bounds():
    glorot = sample("glorot_uniform")
    limit = np.sqrt(6 / (FAN_IN + FAN_OUT))  # uniform on [-l, l] has variance l**2 / 3
    assert limit * 0.999 < np.abs(glorot).max() <= limit
    # HeNormal: a normal of stddev sqrt(2 / fan_in) / 0.8796 cut at two of its stddevs.
    he = sample("he_normal")
    assert np.abs(he).max() <= 2 * np.sqrt(2 / FAN_IN) / 0.87962566 + 1e-6
    assert np.abs(he).max() > 2 * np.sqrt(2 / FAN_IN)  # wider than an untruncated sqrt(2/fan_in)


def test_dense_starts_from_glorot_uniform_unless_told_otherwise():
    assert isinstance(keras.layers.Dense(4).kernel_initializer, keras.initializers.GlorotUniform)
    model = card.build_deep_relu_stack("he_normal", depth=2, width=8)
    assert all(isinstance(layer.kernel_initializer, keras.initializers.HeNormal)
               for layer in model.layers)


def test_one_initializer_instance_gives_layers_the_same_weights_and_names_do_not():
    def kernels(initializers):
        layers = [keras.layers.Dense(16, kernel_initializer=init) for init in initializers]
        for layer in layers:
            layer.build((None, 16))
        return [keras.ops.convert_to_numpy(layer.kernel) for layer in layers]

    shared = keras.initializers.HeNormal()
    first, second = kernels([shared, shared])
    np.testing.assert_array_equal(first, second)
    first, second = kernels(["he_normal", "he_normal"])
    assert not np.allclose(first, second)
    first, second = kernels([card.make_initializer("he_normal") for _ in range(2)])
    assert not np.allclose(first, second)


def numpy_forward_stds(model, x):
    """Each layer's output std, computed in float64 NumPy from the model's own weights."""
    hidden, stds = x.astype("float64"), []
    for layer in model.layers:
        kernel, bias = layer.get_weights()
        hidden = np.maximum(hidden @ kernel + bias, 0.0)
        stds.append(hidden.std())
    return np.array(stds)


@pytest.fixture(scope="module")
def inputs():
    return np.random.default_rng(0).normal(size=(512, 256)).astype("float32")


@pytest.mark.parametrize("name, per_layer", [
    ("he_normal", 1.0),  # fan_in * 2 / fan_in * 1/2 (ReLU): E[h**2] is kept
    ("glorot_uniform", np.sqrt(0.5)),  # fan_in * 2 / (2 fan_in) * 1/2: halves E[h**2] a layer
    ("small_normal", 0.01 * np.sqrt(256 / 2)),  # 0.113 a layer
])
def test_activation_std_through_20_relu_layers_follows_the_variance_factor(inputs, name,
                                                                           per_layer):
    model = card.build_deep_relu_stack(name, depth=20, width=256)
    stds = numpy_forward_stds(model, inputs)
    ratio = stds[-1] / stds[0]
    expected = per_layer**19
    assert expected / 4 < ratio < expected * 4, (name, ratio, expected)
    if name == "he_normal":
        assert 0.3 < stds[-1] < 3  # O(1) at layer 20, like the input's std of 1
        np.testing.assert_allclose(card.activation_std_per_layer(model, inputs), stds, rtol=1e-4)


def test_demo_figure_measured_again_from_the_model_it_built(inputs):
    result, models = run_demo_keeping_models(card, "build_deep_relu_stack")
    stds = numpy_forward_stds(models[-1], inputs)  # the demo's inputs: rng(0), (512, 256)
    drift = abs(np.log10(stds[-1] / stds[0]))
    np.testing.assert_allclose(result["value"], drift, rtol=1e-3)
    assert drift <= result["target"] == 0.5
    assert result["params"] == 20 * (256 * 256 + 256)


@pytest.mark.parametrize("initializer", ["glorot_uniform", "small_normal"])
def test_a_stack_without_he_initialisation_misses_the_demo_target(initializer):
    result = card.demo(initializer=initializer)
    assert result["value"] > 2.5  # at least 300-fold smaller at layer 20 (inf: 0 in float32)


def test_a_fixed_small_normal_ends_near_1e_19_whose_square_float32_cannot_hold_as_normal(inputs):
    # The note: about 1e-19 at layer 20; its square is below float32's smallest normal number,
    # so TensorFlow and JAX (which flush it on the CPU) report 0, PyTorch the 1e-19.
    model = card.build_deep_relu_stack("small_normal", depth=20, width=256)
    true_std = numpy_forward_stds(model, inputs)[-1]
    assert 1e-20 < true_std < 1e-18
    assert true_std**2 < np.finfo(np.float32).tiny < 1.2e-38  # subnormal in float32
    reported = card.activation_std_per_layer(model, inputs)[-1]
    if BACKEND == "torch":
        assert reported == pytest.approx(true_std, rel=1e-3)
    else:
        assert reported == 0.0
