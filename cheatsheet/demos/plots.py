"""Pictures where a picture beats text, drawn from the cards' own functions with Matplotlib (Agg).

Each plot is `draw_<name>(figure, seed)`; PLOTS maps the names people type to them. The CLI reads
PLOTS to build its help, so this module imports Matplotlib, NumPy and the cards only when drawing.
"""

import io
import os
import sys

from ..cards import index
from ..errors import CheatsheetError, shown

LEARNING_CURVES_TOPIC = "early-stopping"  # its demo overfits, so the curves part and it stops
PATIENCE = 3  # epochs without a better val_loss before the marked early stop


def early_stop_epoch(val_loss, patience=PATIENCE):
    """(best epoch, epoch where EarlyStopping(patience) would stop or None), 0-based."""
    best, waited = 0, 0
    for epoch in range(1, len(val_loss)):
        if val_loss[epoch] < val_loss[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best, epoch
    return best, None


def draw_activations(figure, seed=0, outcome=None):
    """Each activation of the activations card and its derivative (finite differences)."""
    import numpy as np

    from . import runner

    activations = runner.load_card_module(index.find("activations"), "plot")
    x = np.linspace(-6, 6, 601)
    # softmax over the logits [x, 0, 1]: raising one logit takes probability from the others
    probabilities = activations.softmax(np.stack([x, np.zeros_like(x), np.ones_like(x)], -1))
    curves = [
        ("sigmoid(x)", activations.sigmoid(x)),
        ("relu(x)", activations.relu(x)),
        ("softmax([x, 0, 1])[0]", probabilities[:, 0]),
    ]
    axes = figure.subplots(1, len(curves))
    for ax, (name, y) in zip(axes, curves, strict=True):
        ax.plot(x, y, label=name, linewidth=2)
        ax.plot(x, np.gradient(y, x), "--", label="derivative")
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    for label, column in (("softmax(...)[1]", 1), ("softmax(...)[2]", 2)):
        axes[-1].plot(x, probabilities[:, column], linewidth=1, alpha=0.6, label=label)
    for ax in axes:
        ax.legend(loc="upper left", fontsize=8)
    figure.suptitle("Activation functions and their derivatives")


def draw_learning_curves(figure, seed=0, topic=LEARNING_CURVES_TOPIC, outcome=None):
    """Every loss a card's demo recorded, per epoch, marking where early stopping stops.

    `outcome` is a demo's result (from a run just made); without it the demo is run here.
    The early-stopping card reports where it really stopped; for the others the marker shows
    where EarlyStopping(patience=PATIENCE) on val_loss would have.
    """
    from . import runner

    card = index.find(topic)
    if outcome is None:
        result = runner.run_card(card, seed=seed)
        if result["status"] == "error":
            raise CheatsheetError(f"card '{card.topic}' failed: {result['error']}")
        outcome = result["outcome"]
    history = outcome.get("history") or {}
    losses = {name: values for name, values in history.items() if name.endswith("loss")}
    if not losses:
        raise CheatsheetError(f"card '{card.topic}' records no loss curve to plot")
    ax = figure.subplots()
    for name, values in losses.items():
        ax.plot(range(1, len(values) + 1), values, label=name.replace("_", " "), linewidth=2)
    val_loss = history.get("val_loss")
    if val_loss:
        if "best_epoch" in outcome:  # the card ran EarlyStopping itself: mark what it did
            best, stop = outcome["best_epoch"] - 1, outcome.get("stopped_epoch")
            stop_label = "EarlyStopping stopped"
            stop = None if stop is None else stop - 1
        else:
            best, stop = early_stop_epoch(val_loss)
            stop_label = f"EarlyStopping(patience={PATIENCE}) would stop"
        ax.scatter([best + 1], [val_loss[best]], color="black", zorder=3,
                   label=f"best val_loss (epoch {best + 1})")
        if stop is not None:
            ax.axvline(stop + 1, color="gray", linestyle="--",
                       label=f"{stop_label} (epoch {stop + 1})")
    ax.set_xlabel("epoch" if val_loss or "loss" in losses else "step")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("loss")
    ax.set_title(f"Learning curves: {card.title}")
    ax.grid(alpha=0.3)
    ax.legend()


def draw_gan(figure, seed=0, outcome=None):
    """A grid of digits drawn by the gan card's generator after a short training on 8x8 digits.

    A run's outcome cannot serve: the demo's figure comes from a 1-D toy GAN, the grid from
    the card's second training, on digit images (`train_digit_grid`). Only that one runs here:
    the toy GAN's 150 rounds would draw nothing."""
    import tempfile
    from pathlib import Path

    from matplotlib import image

    from . import runner

    gan = runner.load_card_module(index.find("gan"), "plot")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "grid.png"
        gan.train_digit_grid(path, seed=seed)  # the card's own training and grid drawing
        pixels = image.imread(path)
    ax = figure.subplots()
    ax.imshow(pixels)
    ax.axis("off")
    ax.set_title("Samples of the GAN generator\ntrained briefly on 8x8 digits")


def draw_lr_schedule(figure, seed=0, outcome=None):
    """The lr-schedule card's ExponentialDecay, smooth and staircase, over 50,000 steps."""
    from . import runner

    lr_schedule = runner.load_card_module(index.find("lr-schedule"), "plot")
    ax = figure.subplots()
    for staircase, style in ((False, "-"), (True, "--")):
        steps, rates = lr_schedule.schedule_curve(lr_schedule.make_schedule(staircase=staircase),
                                                  last_step=50_000, every=250)
        ax.plot(steps, rates, style, linewidth=2, label=f"staircase={staircase}")
    ax.set_xlabel("optimizer step (batches, not epochs)")
    ax.set_ylabel("learning rate")
    ax.set_title("ExponentialDecay: 1e-2 * 0.9 ** (step / 10,000)")
    ax.grid(alpha=0.3)
    ax.legend()


def draw_optimizers(figure, seed=0, outcome=None):
    """The optimizers card's loss curves, one panel per optimizer, the others faint behind."""
    from . import runner

    if outcome is None:
        outcome = runner.run_card(index.find("optimizers"), seed=seed).get("outcome") or {}
    curves = outcome.get("history")
    if not curves:
        raise CheatsheetError("the optimizers card's demo failed; run: cheatsheet run optimizers")
    axes = figure.subplots(1, len(curves), sharey=True)
    for ax, name in zip(axes, curves, strict=True):
        for other, losses in curves.items():
            epochs = range(1, len(losses) + 1)
            if other == name:
                ax.plot(epochs, losses, linewidth=2.5, color="C0")
            else:
                ax.plot(epochs, losses, linewidth=1, color="gray", alpha=0.35)
        ax.set_title(f"{name}: {curves[name][-1]:.3f}")
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("training loss")
    figure.suptitle("The same model and data, four optimizers (final loss in each title)")


# name -> (what it shows, drawing function, figure size in inches)
PLOTS = {
    "activations": ("each activation and its derivative", draw_activations, (11, 3.6)),
    "lr-schedule": ("the learning rate of ExponentialDecay over steps", draw_lr_schedule, (7, 4)),
    "optimizers": ("loss curves of SGD, Adam, RMSprop and Adagrad side by side",
                   draw_optimizers, (13, 3.6)),
    "gan": ("a grid of samples from the GAN generator", draw_gan, (5, 5.4)),
    "learning-curves": ("train vs validation loss of a card's demo, with the early stop",
                        draw_learning_curves, (7, 4.5)),
}


def check_name(name):
    """Refuse an unknown plot name at once, with the nearest one, before anything is imported."""
    if name not in PLOTS:
        import difflib

        close = difflib.get_close_matches(name, PLOTS, n=1)
        hint = f" Did you mean: {close[0]}?" if close else f" Plots: {', '.join(PLOTS)}"
        raise CheatsheetError(f"no plot named {shown(name)!r}.{hint}")


def figure_for(name, seed=0, **options):
    """A drawn Matplotlib figure for a plot name (Agg backend: no display needed).

    Every drawing takes `outcome`, a demo's result from a run just made, so `run --plot` does
    not train the card a second time where the picture can be drawn from that run."""
    check_name(name)
    try:
        import matplotlib
    except ImportError:
        raise CheatsheetError("plots need matplotlib: pip install matplotlib") from None
    # A Figure saves without pyplot; Agg only keeps a card that imports pyplot from opening a
    # window. In a Jupyter kernel (%cheat run) the learner's backend, inline, must stay theirs.
    if "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    from matplotlib.figure import Figure

    _, draw, size = PLOTS[name]
    figure = Figure(figsize=size, layout="constrained")
    draw(figure, seed=seed, **options)
    return figure


# extension -> Matplotlib's format name; a file without an extension gets a PNG
IMAGE_FORMATS = {"png": "png", "svg": "svg", "pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg"}


def image_format(path):
    """The picture format a file name asks for, refused now if Matplotlib cannot write it."""
    extension = os.path.splitext(os.fspath(path))[1].lower()
    if not extension:
        return "png"
    if extension[1:] not in IMAGE_FORMATS:
        raise CheatsheetError(f"cannot save a picture as {shown(extension)}; "
                              "name a .png, .svg, .pdf or .jpg file")
    return IMAGE_FORMATS[extension[1:]]


def image_bytes(name, format="png", seed=0, **options):
    """The plot as an image file's bytes, in one of IMAGE_FORMATS' formats."""
    buffer = io.BytesIO()
    figure = figure_for(name, seed=seed, **options)
    figure.savefig(buffer, format=format, dpi=100)
    return buffer.getvalue()


def png_bytes(name, seed=0, **options):
    """The plot as PNG bytes, e.g. for a data: URI in the exported web page."""
    return image_bytes(name, "png", seed=seed, **options)


def records_history(card):
    """Whether the card's demo returns a "history" (read from its source, nothing imported)."""
    import ast

    from ..cards.source import read_snippet

    for node in ast.parse(read_snippet(card)).body:
        if isinstance(node, ast.FunctionDef) and node.name == "demo":
            return any(isinstance(key, ast.Constant) and key.value == "history"
                       for dict_node in ast.walk(node) if isinstance(dict_node, ast.Dict)
                       for key in dict_node.keys)
    return False


def picture_of(card):
    """The plot `run --plot` saves for a card: its own picture, else the loss curves of the run.

    Decided from the source before the training, so a card without either is refused at once."""
    if card.topic in PLOTS:
        return card.topic
    if records_history(card):
        return "learning-curves"
    raise CheatsheetError(f"card '{card.topic}' has no picture and records no loss curve to "
                          "plot; run it without --plot")
