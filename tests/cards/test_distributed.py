import json
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from snippets import distributed

from ..conftest import run_python

# Two logical CPUs exist only if set before TensorFlow starts, so this runs in a fresh process:
# the card's demo configures them itself, then plain Keras with no strategy is the reference.
TWO_REPLICA_SCRIPT = textwrap.dedent("""
    import json, keras, tensorflow as tf
    from snippets import distributed

    result = distributed.demo(epochs=3)
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        mirrored = type(distributed.build_regressor().weights[0].value).__name__
    outside = type(distributed.build_regressor().weights[0].value).__name__
    x, y = distributed.make_data(0)
    batch = next(iter(strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices(x).batch(64))))  # how fit splits a global batch
    shares = [int(part.shape[0]) for part in strategy.experimental_local_results(batch)]
    keras.utils.set_random_seed(0)
    reference = distributed.build_regressor(input_dim=8)
    reference.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    history = reference.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
    print(json.dumps({"replicas": result["replicas"], "metric": result["metric"],
                      "devices": list(strategy.extended.worker_devices),
                      "variables": [mirrored, outside], "shares": shares,
                      "losses": result["history"]["loss"],
                      "reference": history.history["loss"]}))
""")


@pytest.mark.slow
@pytest.mark.tensorflow_only
def test_two_replicas_train_in_sync_and_match_one_device():
    completed = run_python("-c", TWO_REPLICA_SCRIPT)  # from the repository root
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert [device.split("/")[-1] for device in report["devices"]] == ["device:CPU:0",
                                                                       "device:CPU:1"]
    assert "2 replica(s)" in report["metric"]
    assert report["variables"] == ["MirroredVariable", "ResourceVariable"]  # in, out of scope
    assert report["shares"] == [32, 32]  # a global batch of 64: 32 rows for each replica
    assert report["losses"][-1] < 0.2 * report["losses"][0]  # it learned
    np.testing.assert_allclose(report["losses"], report["reference"], rtol=1e-5)


@pytest.mark.tensorflow_only
def test_too_late_for_logical_cpus_keeps_what_exists_without_raising():
    tf.constant(0.0)  # TensorFlow has started in this process
    before = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(RuntimeError, match="initialized"):  # what use_logical_cpus absorbs
        tf.config.set_logical_device_configuration(
            tf.config.list_physical_devices("CPU")[0],
            [tf.config.LogicalDeviceConfiguration() for _ in range(before + 1)])
    assert distributed.use_logical_cpus(2) == before
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == before  # one replica per device it could see


@pytest.mark.tensorflow_only
def test_training_under_one_device_equals_plain_keras():
    x, y = distributed.make_data(1, rows=128)
    _, losses = distributed.train_under(tf.distribute.OneDeviceStrategy("/cpu:0"), x, y,
                                        seed=3, epochs=2)
    keras.utils.set_random_seed(3)
    reference = distributed.build_regressor(input_dim=8)
    reference.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    expected = reference.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(losses, expected.history["loss"], rtol=1e-6)


@pytest.mark.tensorflow_only
def test_demo_in_an_already_started_process_says_it_has_one_replica(capsys):
    tf.constant(0.0)
    if len(tf.config.list_logical_devices("CPU")) != 1:
        pytest.skip("this process was given several CPU devices before the test")
    result = distributed.demo(epochs=1, verbose=1)
    assert result["replicas"] == 1 and "1 replica(s)" in result["metric"]
    assert "Run this file as its own process" in capsys.readouterr().out
    assert result["value"] <= result["target"]


# -- JAX: the same proof on keras.distribution -----------------------------------------------------

JAX_TWO_DEVICE_SCRIPT = textwrap.dedent("""
    import json, keras
    from snippets import distributed

    distributed.use_logical_cpus(2)  # before JAX's first op, as the demo does
    result = distributed.demo(epochs=3)
    engine = distributed.data_parallel()
    x, y = distributed.make_data(0)
    model, _ = distributed.train_under(engine, x, y, epochs=1)
    keras.utils.set_random_seed(0)
    reference = distributed.build_regressor(input_dim=8)
    reference.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    history = reference.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
    print(json.dumps({"replicas": result["replicas"], "metric": result["metric"],
                      "mesh": [str(device) for device in engine.device_mesh.devices],
                      "batch_axes": list(engine.get_data_layout((64, 8)).axes),
                      "weight_devices": len(model.weights[0].value.sharding.device_set),
                      "losses": result["history"]["loss"],
                      "reference": history.history["loss"]}))
""")


@pytest.mark.slow
@pytest.mark.jax_only
def test_on_jax_two_host_devices_train_in_sync_and_match_one_device():
    completed = run_python("-c", JAX_TWO_DEVICE_SCRIPT, env={"KERAS_BACKEND": "jax"})
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2 and "2 replica(s)" in report["metric"]
    assert report["mesh"] == ["cpu:0", "cpu:1"]
    assert report["batch_axes"] == ["batch", None]  # rows split over the mesh, features whole
    assert report["weight_devices"] == 2  # every variable replicated on both devices
    assert report["losses"][-1] < 0.2 * report["losses"][0]  # it learned
    np.testing.assert_allclose(report["losses"], report["reference"], rtol=1e-5)


@pytest.mark.jax_only
def test_on_jax_too_late_for_host_devices_keeps_one_and_says_so(capsys):
    import jax

    keras.ops.zeros(1)  # JAX has run an op in this process: its device count is fixed
    if len(jax.devices("cpu")) != 1:
        pytest.skip("this process was given several CPU devices before the test")
    assert distributed.use_logical_cpus(2) == 1
    result = distributed.demo(epochs=1, verbose=1)
    assert result["replicas"] == 1 and "Run this file as its own process" in capsys.readouterr().out
    assert result["value"] <= result["target"]
