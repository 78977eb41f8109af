import keras
import numpy as np
import pytest
from scipy import stats

from snippets import autoencoder as card

from ..kerastest import assert_trains_and_round_trips


@pytest.fixture(scope="module")
def demo_run():
    """One demo run, keeping the autoencoder and the VAE it trained."""
    keras.utils.set_random_seed(0)
    kept = {}
    builders = {name: getattr(card, name) for name in ("build_autoencoder", "build_vae")}

    def keeping(name):
        def build(*args, **kwargs):
            kept[name] = builders[name](*args, **kwargs)
            return kept[name]
        return build

    with pytest.MonkeyPatch.context() as patch:
        for name in builders:
            patch.setattr(card, name, keeping(name))
        result = card.demo()
    return result, kept


def numpy_pca_mse(train, test, components):
    """Held-out squared error of the best rank-k affine fit to `train`, by NumPy's SVD."""
    mean = train.mean(axis=0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    basis = vt[:components].astype("float64")  # (k, 64): the top principal directions
    rebuilt = (test - mean) @ basis.T @ basis + mean
    return float(np.mean((rebuilt - test) ** 2))


def numpy_kl(mean, log_var):
    """KL(N(mu, s^2) || N(0, 1)) = log(1 / s) + (s^2 + mu^2) / 2 - 1/2, summed over the code."""
    s = np.exp(0.5 * np.asarray(log_var, dtype="float64"))
    mu = np.asarray(mean, dtype="float64")
    return np.sum(np.log(1.0 / s) + (s**2 + mu**2) / 2.0 - 0.5, axis=-1)


def test_autoencoder_rebuilds_held_out_digits_better_than_pca_with_8_components(demo_run):
    result, kept = demo_run
    autoencoder, _ = kept["build_autoencoder"]
    x_train, x_test = card.load_digit_pixels(0)
    ours = float(np.mean((autoencoder.predict(x_test, verbose=0) - x_test) ** 2))
    pca = numpy_pca_mse(x_train, x_test, 8)
    assert ours < 0.85 * pca  # measured 0.74-0.76 at seed 0 (worst of seeds 0-4: 0.79)
    np.testing.assert_allclose(result["pca_mse"], pca, rtol=1e-4)  # sklearn's PCA, same fit
    np.testing.assert_allclose(result["value"], ours / pca, rtol=1e-4)
    assert result["value"] <= result["target"] == 1.0
    # The note's "0.74-0.76 at seed 0": TF 0.756, JAX 0.758, torch 0.742 (seeds 0-4, all three
    # backends: 0.727-0.791, measured with tune runs of the demo).
    assert 0.74 <= result["value"] <= 0.76
    assert x_train.shape == (1347, 64) and x_test.shape == (450, 64)  # test_size=0.25
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0  # scaled for the sigmoid output


def test_encoder_maps_each_image_to_its_8_number_code(demo_run):
    _, kept = demo_run
    autoencoder, encoder = kept["build_autoencoder"]
    _, x_test = card.load_digit_pixels(0)
    codes = encoder.predict(x_test[:5], verbose=0)
    assert codes.shape == (5, 8)
    # The decoder half, applied by hand to the code, gives the autoencoder's output.
    (kernel_3, bias_3), (kernel_4, bias_4) = (autoencoder.layers[i].get_weights() for i in (3, 4))
    hidden = np.maximum(codes @ kernel_3 + bias_3, 0)  # (5, 64)
    logits = hidden @ kernel_4 + bias_4  # (5, 64)
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)),
                               autoencoder.predict(x_test[:5], verbose=0), atol=1e-5)
    # 64 -> 64 -> 8 -> 64 -> 64, weights and biases, counted by hand.
    assert autoencoder.count_params() == 65 * 64 + 65 * 8 + 9 * 64 + 65 * 64


def test_a_linear_autoencoder_does_no_better_than_pca_and_misses_the_target(monkeypatch):
    # Eckart-Young: on the data it fits, no rank-8 affine map beats PCA. The ReLU layers are
    # what let the card's network beat it; without them the demo misses its target.
    build = card.build_autoencoder
    kept = []

    def linear(*args, **kwargs):
        kept.append(build(*args, **{**kwargs, "activation": None}))
        return kept[-1]

    monkeypatch.setattr(card, "build_autoencoder", linear)
    result = card.demo(vae_epochs=0)
    assert result["value"] > result["target"]
    x_train, _ = card.load_digit_pixels(0)
    linear_mse = float(np.mean((kept[0][0].predict(x_train, verbose=0) - x_train) ** 2))
    assert linear_mse >= numpy_pca_mse(x_train, x_train, 8) * (1 - 1e-4)


def test_sigmoid_output_cannot_reach_unscaled_pixels():
    raw = card.load_digits().data  # 0..16, as scikit-learn ships them
    autoencoder, _ = card.build_autoencoder()
    far = autoencoder.predict(raw * 100.0, verbose=0)
    assert far.min() >= 0.0 and far.max() <= 1.0
    # Any output in [0, 1] misses each pixel above 1 by at least (pixel - 1): a floor far
    # above what PCA does on the same unscaled pixels.
    floor = float(np.mean(np.maximum(raw - 1.0, 0.0) ** 2))
    assert floor > 5 * numpy_pca_mse(raw, raw, 8)  # 50.8 against 6.1


def test_kl_divergence_is_the_closed_form_for_gaussians():
    rng = np.random.default_rng(0)
    mean = rng.normal(size=(6, 4)).astype("float32")
    log_var = rng.normal(scale=2.0, size=(6, 4)).astype("float32")
    ours = keras.ops.convert_to_numpy(card.kl_divergence(mean, log_var))
    assert ours.shape == (6,)
    np.testing.assert_allclose(ours, numpy_kl(mean, log_var), rtol=1e-5)
    assert np.all(ours >= 0)
    standard = card.kl_divergence(np.zeros((1, 4), "float32"), np.zeros((1, 4), "float32"))
    assert keras.ops.convert_to_numpy(standard)[0] == 0  # q = p: nothing to pay


def test_kl_divergence_matches_a_monte_carlo_estimate():
    # E_q[log q(z) - log p(z)] from 200,000 draws of z ~ q, densities by scipy: no formula shared.
    mean, std = np.array([0.7, -1.2]), np.array([0.5, 1.6])
    z = np.random.default_rng(1).normal(mean, std, size=(200_000, 2))
    estimate = np.mean(np.sum(stats.norm.logpdf(z, mean, std) - stats.norm.logpdf(z), axis=1))
    ours = keras.ops.convert_to_numpy(
        card.kl_divergence(mean[None].astype("float32"),
                           np.log(std**2)[None].astype("float32")))[0]
    assert ours == pytest.approx(estimate, abs=0.01)


def test_kl_divergence_equals_torch_distributions():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    mean, log_var = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    reference = torch.distributions.kl_divergence(
        torch.distributions.Normal(torch.tensor(mean), torch.tensor(np.exp(0.5 * log_var))),
        torch.distributions.Normal(0.0, 1.0)).sum(-1).numpy()
    ours = card.kl_divergence(mean.astype("float32"), log_var.astype("float32"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours), reference, rtol=1e-5)


def test_vae_loss_is_cross_entropy_plus_the_kl_term_over_64(demo_run):
    # evaluate() decodes the mean; its loss, rebuilt here in NumPy from the encoder's outputs
    # and the decoder's pixels, is mean binary cross-entropy + KL / 64 (the negative ELBO per
    # pixel), so the Sampling layer's add_loss really reaches the loss.
    result, kept = demo_run
    vae, encoder, decoder = kept["build_vae"]
    _, x_test = card.load_digit_pixels(0)
    mean, log_var = encoder.predict(x_test, verbose=0)
    pixels = np.clip(decoder.predict(mean, verbose=0).astype("float64"), 1e-7, 1 - 1e-7)
    cross_entropy = -np.mean(x_test * np.log(pixels) + (1 - x_test) * np.log(1 - pixels))
    kl = numpy_kl(mean, log_var)
    expected = cross_entropy + np.mean(kl) / 64
    np.testing.assert_allclose(vae.evaluate(x_test, x_test, batch_size=len(x_test), verbose=0),
                               expected, rtol=1e-4)
    np.testing.assert_allclose(result["vae_kl"], np.mean(kl), rtol=1e-4)
    np.testing.assert_allclose(result["vae_mse"], np.mean((pixels - x_test) ** 2), rtol=1e-3)
    assert np.mean(kl) > 0.1  # the code carries information about each image


def test_vae_at_inference_decodes_the_mean(demo_run):
    _, kept = demo_run
    vae, encoder, decoder = kept["build_vae"]
    _, x_test = card.load_digit_pixels(0)
    first, second = vae.predict(x_test[:8], verbose=0), vae.predict(x_test[:8], verbose=0)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, decoder.predict(encoder.predict(x_test[:8], verbose=0)[0],
                                                      verbose=0), atol=1e-6)


def test_sampling_draws_mean_plus_std_times_standard_normal_noise():
    # Fixed mean and log-variance (a negative one too): 20,000 draws in training mode must be
    # N(mean, exp(log_var)) by scipy's Kolmogorov-Smirnov test, and new on every call.
    sampling = card.Sampling(seed=3)
    mean = np.tile(np.array([[2.0, -1.0]], dtype="float32"), (20_000, 1))
    log_var = np.tile(np.array([[np.log(0.25), np.log(4.0)]], dtype="float32"), (20_000, 1))
    z = keras.ops.convert_to_numpy(sampling([mean, log_var], training=True))
    again = keras.ops.convert_to_numpy(sampling([mean, log_var], training=True))
    assert stats.kstest(z[:, 0], "norm", args=(2.0, 0.5)).pvalue > 0.01
    assert stats.kstest(z[:, 1], "norm", args=(-1.0, 2.0)).pvalue > 0.01
    assert not np.allclose(z, again)  # the SeedGenerator moves on: fresh epsilon each call
    at_inference = keras.ops.convert_to_numpy(sampling([mean, log_var], training=False))
    np.testing.assert_array_equal(at_inference, mean)


def test_gradients_reach_the_encoder_through_the_sample():
    # The reparameterisation trick: z is mean + std * epsilon, differentiable in both, so one
    # step moves the z_mean and z_log_var layers (the latter is reached through exp() only).
    vae, encoder, _ = card.build_vae(seed=0)
    before = {layer.name: layer.get_weights()[0].copy() for layer in encoder.layers[2:]}
    x_train, _ = card.load_digit_pixels(0)
    vae.train_on_batch(x_train[:64], x_train[:64])
    for layer in encoder.layers[2:]:
        assert layer.name in ("z_mean", "z_log_var")
        assert not np.allclose(layer.get_weights()[0], before[layer.name]), layer.name


def test_an_integer_seed_inside_call_draws_the_same_noise_every_time():
    class FixedSeedNoise(keras.layers.Layer):  # the pitfall: seed=1, not a SeedGenerator
        def call(self, inputs):
            return keras.random.normal(keras.ops.shape(inputs), seed=1)

    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, FixedSeedNoise()(inputs))
    zeros = np.zeros((4, 3), dtype="float32")
    np.testing.assert_array_equal(model.predict(zeros, verbose=0),
                                  model.predict(zeros, verbose=0))


@pytest.mark.jax_only
@pytest.mark.skipif(keras.backend.backend() != "jax", reason="about the JAX backend's tracing")
def test_jax_refuses_an_unseeded_random_op_inside_a_layer():
    class UnseededNoise(keras.layers.Layer):
        def call(self, inputs):
            return inputs + keras.random.normal(keras.ops.shape(inputs))

    with pytest.raises(ValueError, match="SeedGenerator"):
        UnseededNoise()(keras.Input(shape=(3,)))


def test_keras3_refuses_add_loss_on_a_functional_models_symbolic_tensors():
    # The tf.keras 2 VAE habit: vae.add_loss(kl) after building the graph.
    inputs = keras.Input(shape=(4,))
    z_mean = keras.layers.Dense(2)(inputs)
    model = keras.Model(inputs, z_mean)
    with pytest.raises(NotImplementedError):
        model.add_loss(keras.ops.mean(keras.ops.square(z_mean)))


def test_autoencoder_and_vae_train_and_round_trip(tmp_path):
    x_train, _ = card.load_digit_pixels(0)
    autoencoder, _ = card.build_autoencoder()
    assert_trains_and_round_trips(
        autoencoder, x_train[:32], x_train[:32], tmp_path,
        compile_kwargs={"optimizer": "adam", "loss": keras.losses.MeanSquaredError()})
    vae, _, _ = card.build_vae(seed=0)
    reloaded = assert_trains_and_round_trips(vae, x_train[:32], x_train[:32], tmp_path)
    assert isinstance(reloaded.get_layer("sampling"), card.Sampling)
    assert reloaded.get_layer("sampling").kl_weight == pytest.approx(1 / 64)
