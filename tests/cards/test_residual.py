import itertools
import math

import keras
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from snippets import residual

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models

BACKEND = keras.backend.backend()


def only_on(backend):
    """The marker naming the backend a test is about, and a skip on every other backend."""
    marker = getattr(pytest.mark, f"{backend}_only")
    skip = pytest.mark.skipif(BACKEND != backend, reason=f"about the {backend} backend")
    return lambda test: marker(skip(test))


@pytest.fixture(scope="module")
def demo_run():
    result, models = run_demo_keeping_models(residual, "build_residual_cnn")
    return result, models[0]


def output_side(n, kernel, stride, padding):
    """Keras's own answer: ZeroPadding2D(p), then a valid Conv2D, on an n x n image."""
    inputs = keras.Input(shape=(n, n, 1))
    x = keras.layers.ZeroPadding2D(padding)(inputs)
    x = keras.layers.Conv2D(1, kernel, strides=stride, padding="valid")(x)
    return x.shape[1]


def test_output_size_formula_equals_keras_over_a_grid_of_n_k_s_p():
    grid = [(n, k, s, p) for n, k, s, p in itertools.product(
        (5, 7, 8, 28), (1, 2, 3, 4, 5), (1, 2, 3), (0, 1, 2)) if n + 2 * p >= k]
    assert len(grid) > 150
    for n, k, s, p in grid:
        by_hand = math.floor((n + 2 * p - k) / s) + 1
        assert residual.conv_output_size(n, k, s, p) == by_hand == output_side(n, k, s, p), (
            n, k, s, p)


def test_same_padding_gives_ceil_n_over_s_which_no_symmetric_p_gives_for_7_4_1():
    for n, k, s in itertools.product((5, 7, 8), (1, 2, 3, 4), (1, 2, 3)):
        inputs = keras.Input(shape=(n, n, 1))
        same = keras.layers.Conv2D(1, k, strides=s, padding="same")(inputs).shape[1]
        assert same == math.ceil(n / s), (n, k, s)
    assert [residual.conv_output_size(7, 4, 1, p) for p in range(4)] == [4, 6, 8, 10]  # no 7


def test_projection_shortcut_is_a_1x1_conv_a_dense_layer_at_every_pixel_with_544_weights():
    inputs = keras.Input(shape=(8, 8, 16))
    outputs = residual.residual_block(inputs, 32, stride=2)
    model = keras.Model(inputs, outputs)
    assert outputs.shape == (None, 4, 4, 32)
    projection = [layer for layer in model.layers
                  if isinstance(layer, keras.layers.Conv2D) and layer.kernel_size == (1, 1)]
    assert len(projection) == 1 and projection[0].count_params() == 16 * 32 + 32 == 544
    x = np.random.default_rng(1).normal(size=(2, 8, 8, 16)).astype("float32")
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in projection[0].weights)
    # A stride-2 1x1 convolution: every other pixel, times the same (16, 32) matrix, plus bias.
    by_numpy = np.einsum("bhwc,cf->bhwf", x[:, ::2, ::2, :], kernel[0, 0]) + bias
    np.testing.assert_allclose(keras.ops.convert_to_numpy(projection[0](x)), by_numpy,
                               rtol=1e-4, atol=1e-5)


def test_identity_block_adds_its_input_unchanged_and_has_no_projection():
    inputs = keras.Input(shape=(8, 8, 16))
    model = keras.Model(inputs, residual.residual_block(inputs, 16))
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [layer.kernel_size for layer in convs] == [(3, 3), (3, 3)]
    for layer in convs:  # zero the branch: y = relu(x + 0) must be relu(x)
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    x = np.random.default_rng(2).normal(size=(2, 8, 8, 16)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)), np.maximum(x, 0))


def test_adding_unequal_shapes_without_a_projection_raises_value_error():
    inputs = keras.Input(shape=(8, 8, 16))
    branch = keras.layers.Conv2D(32, 3, strides=2, padding="same")(inputs)  # (None, 4, 4, 32)
    with pytest.raises(ValueError):
        keras.layers.Add()([inputs, branch])


def test_global_average_pooling_is_the_mean_per_channel_and_the_head_has_330_weights():
    x = np.random.default_rng(3).normal(size=(2, 4, 4, 32)).astype("float32")
    pooled = keras.layers.GlobalAveragePooling2D()(x)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(pooled), x.mean(axis=(1, 2)),
                               rtol=1e-5, atol=1e-6)
    model = residual.build_residual_cnn()
    head = model.layers[-1]
    pooling = next(layer for layer in model.layers
                   if isinstance(layer, keras.layers.GlobalAveragePooling2D))
    _, height, width, channels = pooling.input.shape  # the last block's (batch, 4, 4, 32)
    assert head.count_params() == channels * 10 + 10 == 330  # one weight per channel and class
    flat_head = keras.layers.Dense(head.units)  # what a Dense head after Flatten would need
    flat_head.build((None, height * width * channels))
    assert flat_head.count_params() == height * width * channels * 10 + 10 == 5_130
    assert "(330 here)" in residual.__doc__ and "(5,130)" in residual.__doc__  # the note's


def stack_batch(seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(16, 8, 8, 8)).astype("float32"),
            rng.normal(size=(16, 1)).astype("float32"))


def gradient_norms(seed):
    """(plain, residual) first-layer gradient norms of 30-layer stacks with equal first kernels."""
    x, y = stack_batch()
    norms = []
    for is_residual in (False, True):
        keras.utils.set_random_seed(seed)
        model = residual.build_deep_stack(layers=30, residual=is_residual)
        norms.append(residual.first_layer_gradient_norm(model, x, y))
    return norms


def test_plain_stack_first_layer_gradient_is_orders_of_magnitude_below_the_residual():
    plain, skip = gradient_norms(seed=0)
    assert plain > 0  # tiny, not dead: a few ReLUs are always open
    assert skip / plain >= 1e3, (plain, skip)


def native_first_kernel_gradient(model, x, y):
    """d MSE / d first conv kernel by the backend's own autodiff (not the card's SGD step)."""
    first = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D))
    index = next(i for i, v in enumerate(model.trainable_variables) if v is first.kernel)
    loss_fn = keras.losses.MeanSquaredError()
    if BACKEND == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        gradient = tape.gradient(loss, model.trainable_variables)[index]
    elif BACKEND == "jax":
        import jax

        def loss_of(trainable):
            predictions, _ = model.stateless_call(
                trainable, [v.value for v in model.non_trainable_variables], x, training=True)
            return loss_fn(y, predictions)

        gradient = jax.grad(loss_of)([v.value for v in model.trainable_variables])[index]
    else:
        model.zero_grad()
        loss_fn(y, model(x, training=True)).backward()
        gradient = first.kernel.value.grad
    return np.linalg.norm(keras.ops.convert_to_numpy(gradient).astype("float64"))


def check_sgd_step_reads_the_native_gradient():
    x, y = stack_batch()
    for is_residual in (False, True):
        keras.utils.set_random_seed(0)
        model = residual.build_deep_stack(layers=30, residual=is_residual)
        native = native_first_kernel_gradient(model, x, y)
        measured = residual.first_layer_gradient_norm(model, x, y)  # steps after the native read
        np.testing.assert_allclose(measured, native, rtol=0.02)


@only_on("tensorflow")
def test_sgd_step_reads_the_gradient_tf_gradient_tape_computes():
    check_sgd_step_reads_the_native_gradient()


@only_on("jax")
def test_sgd_step_reads_the_gradient_jax_grad_computes():
    check_sgd_step_reads_the_native_gradient()


@only_on("torch")
def test_sgd_step_reads_the_gradient_torch_backward_computes():
    check_sgd_step_reads_the_native_gradient()


def test_keras_ops_has_forward_mode_jvp_but_no_reverse_mode_gradient():
    # The pitfall: keras.ops.jvp is forward mode only; nothing backend-neutral gives d loss / d w.
    assert not {"grad", "vjp", "gradient", "value_and_grad"} & set(dir(keras.ops))
    x = keras.ops.convert_to_tensor(np.array([1.0, 2.0, 3.0], "float32"))
    tangent = keras.ops.convert_to_tensor(np.array([1.0, 0.0, 0.0], "float32"))
    value, directional = keras.ops.jvp(lambda v: keras.ops.sum(v**2), (x,), (tangent,))
    # d/dt sum((x + t e0)**2) at t=0 is 2 * x[0]: one directional derivative per call
    assert float(value) == pytest.approx(14.0) and float(directional) == pytest.approx(2.0)


def test_residual_cnn_shapes_and_round_trip(tmp_path):
    model = residual.build_residual_cnn()
    assert model.output_shape == (None, 10)
    x = np.random.default_rng(4).uniform(size=(8, 8, 8, 1)).astype("float32")
    assert_trains_and_round_trips(model, x, np.arange(8) % 10, tmp_path)


def test_demo_model_classifies_held_out_digits_by_sklearn(demo_run):
    result, model = demo_run
    _, x_test, _, y_test = residual.load_digit_images(0)
    predicted = np.argmax(model.predict(x_test, verbose=0), axis=-1)
    accuracy = accuracy_score(y_test, predicted)
    assert accuracy >= 0.9
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)
    assert result["target"] == 0.9 and result["higher_is_better"]
    assert result["params"] == model.count_params()
    assert len(result["history"]["loss"]) == 12  # the note's twelve epochs
    assert "val_loss" not in result["history"]  # scored once, after training
