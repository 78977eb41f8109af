"""
Title: Custom training: GradientTape, JAX, torch loops and train_step in fit()
Description: One training step written by hand on each backend, equal to one step of fit().
Section: Frameworks
Aliases: training-loop, hand-written-loop, gradienttape, gradient-tape, value-and-grad,
    stateless-call, loss-backward, train-step
Use when: write a training loop by hand, custom training loop, gradient tape,
    tf.GradientTape, jax value_and_grad, stateless_call, loss.backward in keras, train_step,
    apply gradients by hand
See also: basics, pytorch, optimizers, gan
Functions: train_step_tensorflow, train_step_jax, compiled_jax_step, train_step_torch,
    TapeStepModel, JaxStepModel, TorchStepModel, update_metrics, build_step_model, train_by_hand
Backends: tensorflow, jax, torch

## Note

fit() runs one training step per batch: a forward pass in training mode, the loss, its gradients
with respect to the trainable weights, and one optimizer update. Writing that step yourself lets
you change any part of it (two losses, two optimizers as in a GAN, gradient surgery), and each
backend computes gradients its own way. TensorFlow records the forward pass on a GradientTape and
asks it for the gradients. JAX differentiates a pure function: model.stateless_call takes the
weights as arguments and jax.value_and_grad returns the loss and its gradients; the optimizer's
stateless_apply returns new weights, which you write back. torch accumulates gradients in each
weight's .grad on loss.backward(), so zero them before each step. In every form the optimizer makes
the update fit() makes (apply, or stateless_apply on JAX): one hand-written step gives fit()'s loss
and weights. To keep fit() (callbacks, validation, history) and change only the step, subclass
keras.Model and override train_step: fit() calls it once per batch. On TensorFlow and torch it
takes the batch and returns the logs; on JAX it takes the state (every variable's value) and the
batch and returns the logs and the new state. Either way, update the metrics yourself: the loss
tracker named "loss" takes the loss, the compiled metrics take labels and predictions. The demo
trains a digits classifier by hand, batch by batch, with the step of the running backend.

## Pitfalls

- Call the model with `training=True` inside a hand-written step: Dropout and BatchNormalization
  behave as in inference otherwise, and the step silently trains a different model than fit()'s.
- torch adds each backward() into `.grad`: without `model.zero_grad()` before it, the second step
  applies the sum of two batches' gradients.
- JAX arrays are immutable: stateless_call and stateless_apply return new values that change
  nothing until you `variable.assign(value)` them back into the model.
- A train_step override must update `self.metrics` and return their results: one that returns
  empty logs fails on TensorFlow (a ValueError from inside fit's tf.function) and trains on JAX
  and torch with no loss in the history (on JAX, update metrics with stateless_update_state and
  return their new values in the state).
- Build the optimizer for the model's variables before a stateless step
  (`optimizer.build(model.trainable_variables)`): until then it holds only its iteration count
  and rate, not the slots (Adam's m and v per weight) that stateless_apply takes.
"""

import functools

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def train_step_tensorflow(model, optimizer, loss_fn, x, y):
    """One step on TensorFlow: record the forward pass on a tape, then ask it for gradients."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        predictions = model(x, training=True)  # training=True: Dropout/BatchNorm as in fit()
        loss = loss_fn(y, predictions)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply(gradients, model.trainable_variables)
    return float(loss)


def train_step_jax(model, optimizer, loss_fn, x, y):
    """One step on JAX: differentiate a pure function of the weights, then write them back."""
    optimizer.build(model.trainable_variables)  # creates its slots once; later calls do nothing
    pure_step = compiled_jax_step(model, optimizer, loss_fn)
    variables = [model.trainable_variables, model.non_trainable_variables, optimizer.variables]
    loss, *new_values = pure_step(*[[variable.value for variable in group] for group in variables],
                                  x, y)
    # JAX arrays never change in place: assign the new values back to the Keras variables.
    for group, values in zip(variables, new_values, strict=True):
        for variable, value in zip(group, values, strict=True):
            variable.assign(value)
    return float(loss)


@functools.lru_cache(maxsize=4)
def compiled_jax_step(model, optimizer, loss_fn):
    """The step as a pure function of values (weights in, new weights out), jit-compiled once
    per model instead of dispatched op by op on every batch."""
    import jax

    def compute_loss(trainable, non_trainable, x, y):
        predictions, non_trainable = model.stateless_call(trainable, non_trainable, x,
                                                          training=True)
        return loss_fn(y, predictions), non_trainable

    def pure_step(trainable, non_trainable, optimizer_values, x, y):
        (loss, non_trainable), gradients = jax.value_and_grad(compute_loss, has_aux=True)(
            trainable, non_trainable, x, y)
        trainable, optimizer_values = optimizer.stateless_apply(optimizer_values, gradients,
                                                                trainable)
        return loss, trainable, non_trainable, optimizer_values

    return jax.jit(pure_step)


def train_step_torch(model, optimizer, loss_fn, x, y):
    """One step on torch: backward() fills each weight's .grad, which the optimizer applies."""
    import torch

    model.zero_grad()  # .grad accumulates: clear last step's gradients first
    predictions = model(x, training=True)
    loss = loss_fn(y, predictions)
    loss.backward()
    trainable = model.trainable_variables
    gradients = [variable.value.grad for variable in trainable]
    with torch.no_grad():  # the update itself is not part of the graph
        optimizer.apply(gradients, trainable)
    return float(loss.detach())  # detach: a number, no longer part of the graph


TRAIN_STEPS = {"tensorflow": train_step_tensorflow, "jax": train_step_jax,
               "torch": train_step_torch}


# Keep fit() (callbacks, validation, history, progress bar) but change what one step does:
# subclass keras.Model and override train_step. fit() calls it once per batch; its signature
# is the backend's, like the hand-written steps above.
class TapeStepModel(keras.Model):
    """fit() with a hand-written TensorFlow step: the same tape as train_step_tensorflow."""

    def train_step(self, data):
        import tensorflow as tf

        x, y = data
        with tf.GradientTape() as tape:
            predictions = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=predictions)  # compile()'s loss
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        return update_metrics(self, loss, y, predictions)


class JaxStepModel(keras.Model):
    """fit() with a hand-written JAX step: fit() passes the state (every variable's value) in,
    and the step returns the new state instead of changing any variable."""

    def compute_loss_and_updates(self, trainable, non_trainable, x, y):
        predictions, non_trainable = self.stateless_call(trainable, non_trainable, x,
                                                          training=True)
        return self.compute_loss(x=x, y=y, y_pred=predictions), (predictions, non_trainable)

    def train_step(self, state, data):
        import jax

        trainable, non_trainable, optimizer_values, metric_values = state
        x, y = data
        (loss, (predictions, non_trainable)), gradients = jax.value_and_grad(
            self.compute_loss_and_updates, has_aux=True)(trainable, non_trainable, x, y)
        trainable, optimizer_values = self.optimizer.stateless_apply(optimizer_values,
                                                                     gradients, trainable)
        logs, new_metric_values = {}, []
        for metric in self.metrics:  # metrics are stateless too: values in, new values out
            values = metric_values[len(new_metric_values):
                                   len(new_metric_values) + len(metric.variables)]
            if metric.name == "loss":
                values = metric.stateless_update_state(values, loss)
            else:
                values = metric.stateless_update_state(values, y, predictions)
            logs[metric.name] = metric.stateless_result(values)
            new_metric_values += values
        return logs, (trainable, non_trainable, optimizer_values, new_metric_values)


class TorchStepModel(keras.Model):
    """fit() with a hand-written torch step: the same backward() as train_step_torch."""

    def train_step(self, data):
        import torch

        x, y = data
        self.zero_grad()  # .grad accumulates across steps
        predictions = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=predictions)
        loss.backward()
        gradients = [variable.value.grad for variable in self.trainable_variables]
        with torch.no_grad():
            self.optimizer.apply(gradients, self.trainable_variables)
        return update_metrics(self, loss, y, predictions)


def update_metrics(model, loss, y, predictions):
    """The logs fit() prints and keeps in history: the loss tracker takes the loss, the compiled
    metrics take labels and predictions."""
    for metric in model.metrics:
        if metric.name == "loss":
            metric.update_state(loss)
        else:
            metric.update_state(y, predictions)
    return {metric.name: metric.result() for metric in model.metrics}


STEP_MODELS = {"tensorflow": TapeStepModel, "jax": JaxStepModel, "torch": TorchStepModel}


def build_step_model(input_dim=64, num_classes=10):
    """build_model's layers in the running backend's train_step subclass, for fit()."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, 64)
    hidden = keras.layers.Dense(32, activation="relu")(inputs)  # (batch, 32)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(hidden)  # (batch, 10)
    return STEP_MODELS[keras.backend.backend()](inputs, outputs)


def train_by_hand(model, optimizer, loss_fn, x, y, epochs=5, batch_size=64, seed=0):
    """The loop fit() runs: shuffle, cut into batches, one step each. Mean loss per epoch."""
    train_step = TRAIN_STEPS[keras.backend.backend()]  # the form for the running backend
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        batch_losses = []
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            batch_losses.append(train_step(model, optimizer, loss_fn, keras.ops.convert_to_tensor(
                x[batch]), keras.ops.convert_to_tensor(y[batch])))
        losses.append(float(np.mean(batch_losses)))
    return losses


def build_model(input_dim=64, num_classes=10):
    """A small digits classifier; nothing about it is special to hand-written training."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, 64)
    hidden = keras.layers.Dense(32, activation="relu")(inputs)  # (batch, 32)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(hidden)  # (batch, 10)
    return keras.Model(inputs, outputs)


def load_data(seed=0):
    """scikit-learn's bundled 8x8 digits as 64 features in [0, 1], split 75/25."""
    features, labels = load_digits(return_X_y=True)
    return train_test_split((features / 16.0).astype("float32"), labels.astype("int32"),
                            test_size=0.25, random_state=seed, stratify=labels)


def demo(seed=0, epochs=4, verbose=0):
    """Train the classifier with the hand-written loop; held-out accuracy should reach 0.9."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_model()
    optimizer = keras.optimizers.Adam(learning_rate=0.02)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    # Batches of 128: 11 steps an epoch, each one a Python call of the step (eager on TF, torch).
    losses = train_by_hand(model, optimizer, loss_fn, x_train, y_train, epochs=epochs,
                           batch_size=128, seed=seed)
    probabilities = keras.ops.convert_to_numpy(model(x_test, training=False))
    accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == y_test))
    if verbose:
        print(f"{keras.backend.backend()}: loss per epoch {np.round(losses, 3).tolist()}")
    return {
        "metric": "held-out accuracy after a hand-written loop",
        "value": accuracy,
        "target": 0.9,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {"loss": losses},
    }


if __name__ == "__main__":
    result = demo(verbose=1)
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
