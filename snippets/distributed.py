"""
Title: Data-parallel training
Description: Train one model on several devices with MirroredStrategy; its loss matches one
    device.
Section: Diagnostics and deployment
Aliases: multi-gpu, mirrored-strategy, data-parallel
Use when: multi gpu, several devices, batch size across replicas, global batch size, scale out
    training
See also: deployment, diagnostics
Functions: use_logical_cpus, build_regressor, train_under

## Note

Data parallelism puts a copy of the model (a replica) on every device. Each replica takes its
share of the global batch and computes gradients; an all-reduce averages them, so every replica
takes the same step, and the losses match one device training on the whole batch (tested on two
logical CPUs, within 1e-5). Build and compile inside strategy.scope(), where variables get one
copy per replica, and grow the global batch with the number of replicas. Logical CPUs share the
same cores, so they show the mechanics, not a speed-up. For several machines,
tf.distribute.MultiWorkerMirroredStrategy does the same, each worker reading the cluster from
its TF_CONFIG variable; keras.distribution (DataParallel over a DeviceMesh) is Keras 3's
backend-neutral API, implemented for JAX.

## Pitfalls

- Logical devices can only be set before TensorFlow runs its first op; later
  `set_logical_device_configuration` raises RuntimeError, so configure them first thing in the
  process (the demo does, and says so when it is too late).
- Build and compile the model inside `strategy.scope()`: variables created there are
  MirroredVariables, one copy per replica; built outside, they live on one device.
- Under a strategy, fit's `batch_size` is the global batch, split across replicas: each device
  sees batch_size / replicas rows.
"""

import time

import keras
import numpy as np
import tensorflow as tf


def use_logical_cpus(count=2):
    """Split the CPU into `count` logical devices, to try multi-device code without GPUs.

    TensorFlow fixes its devices when it first runs an op, so call this first thing in the
    process; later it can only keep what exists. Returns how many CPU devices there are now.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)])
    except RuntimeError:  # "cannot be modified after being initialized": TF already started
        pass
    return len(tf.config.list_logical_devices("CPU"))


def prepare():
    """Called by `cheatsheet check` before TensorFlow starts: two CPU replicas for the demo."""
    use_logical_cpus(2)


def build_regressor(input_dim=8, units=16):
    """A small regression MLP: Input -> Dense(relu) -> Dense(1)."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    hidden = keras.layers.Dense(units, activation="relu")(inputs)  # (batch, units)
    outputs = keras.layers.Dense(1)(hidden)  # (batch, 1)
    return keras.Model(inputs, outputs, name="regressor")


def train_under(strategy, x, y, seed=0, epochs=5, batch_size=64, learning_rate=0.05):
    """Build, compile and fit inside `strategy.scope()`; returns (model, loss per epoch).

    batch_size is the global batch: each of the N replicas gets batch_size / N rows, computes
    its gradients, and the all-reduce averages them, so every replica takes the same step as
    one device on the whole batch. Grow batch_size with N to keep each device as busy.
    """
    keras.utils.set_random_seed(seed)  # same initial weights on every run
    with strategy.scope():  # variables made here are mirrored: one copy per replica
        model = build_regressor(input_dim=x.shape[1])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                      loss=keras.losses.MeanSquaredError())
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
    return model, history.history["loss"]


def make_data(seed=0, rows=512, features=8):
    """A noisy linear target: y = x @ w + 0.1 * noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features)).astype("float32")
    y = x @ rng.normal(size=(features, 1)) + 0.1 * rng.normal(size=(rows, 1))
    return x, y.astype("float32")


def demo(seed=0, epochs=5, verbose=0):
    """Train on all devices and on one; the final losses should agree within 1e-4."""
    cpu_devices = use_logical_cpus(2)  # works only if TensorFlow has not started yet
    x, y = make_data(seed)
    started = time.perf_counter()
    strategy = tf.distribute.MirroredStrategy()  # every GPU; with none, every logical CPU
    built = time.perf_counter()
    model, losses = train_under(strategy, x, y, seed=seed, epochs=epochs)
    trained = time.perf_counter()
    _, single_losses = train_under(tf.distribute.OneDeviceStrategy("/cpu:0"), x, y,
                                   seed=seed, epochs=epochs)
    replicas = strategy.num_replicas_in_sync
    if cpu_devices == 1 and verbose:  # say so: one device is no data parallelism
        print("One CPU device only: TensorFlow had started before use_logical_cpus(2) could "
              "split it. Run this file as its own process to train on two replicas.")
    elif verbose:
        print(f"{replicas} replicas in sync on {strategy.extended.worker_devices}")
    return {
        "metric": f"|loss on {replicas} replica(s) - loss on 1 device|",
        "value": abs(losses[-1] - single_losses[-1]),
        "target": 1e-4,
        "higher_is_better": False,
        "params": model.count_params(),
        "build_seconds": built - started,
        "train_seconds": trained - built,
        "history": {"loss": losses, "single_device_loss": single_losses},
        "replicas": replicas,
    }


if __name__ == "__main__":
    result = demo(verbose=1)
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
