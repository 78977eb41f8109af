"""Pictures where a picture beats text, drawn from the cards' own functions with Matplotlib (Agg).

Each plot is `draw_<name>(figure, seed)`; PLOTS maps the names people type to them. The CLI reads
PLOTS to build its help, so this module imports Matplotlib, NumPy and the cards only when drawing.
"""

import io

from . import index
from .errors import CheatsheetError

LEARNING_CURVES_TOPIC = "basics"  # whose demo `plot learning-curves` trains by default
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


def draw_activations(figure, seed=0):
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


def draw_learning_curves(figure, seed=0, topic=LEARNING_CURVES_TOPIC, history=None):
    """Train vs validation loss of a card's demo, marking where early stopping would stop."""
    from . import runner

    card = index.find(topic)
    if history is None:
        history = runner.run_card(card, seed=seed).get("history")
    if not history or "val_loss" not in history:
        raise CheatsheetError(f"card '{card.topic}' records no validation loss to plot")
    loss, val_loss = history["loss"], history["val_loss"]
    epochs = range(1, len(loss) + 1)
    ax = figure.subplots()
    ax.plot(epochs, loss, label="training loss", linewidth=2)
    ax.plot(epochs, val_loss, label="validation loss", linewidth=2)
    best, stop = early_stop_epoch(val_loss)
    ax.scatter([best + 1], [val_loss[best]], color="black", zorder=3,
               label=f"best val_loss (epoch {best + 1})")
    if stop is not None:
        ax.axvline(stop + 1, color="gray", linestyle="--",
                   label=f"EarlyStopping(patience={PATIENCE}) stops (epoch {stop + 1})")
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("loss")
    ax.set_title(f"Learning curves: {card.title}")
    ax.grid(alpha=0.3)
    ax.legend()


# name -> (what it shows, drawing function, figure size in inches)
PLOTS = {
    "activations": ("each activation and its derivative", draw_activations, (11, 3.6)),
    "learning-curves": ("train vs validation loss of a card's demo, with the early stop",
                        draw_learning_curves, (7, 4.5)),
}


def figure_for(name, seed=0, **options):
    """A drawn Matplotlib figure for a plot name (Agg backend: no display needed)."""
    if name not in PLOTS:
        import difflib

        close = difflib.get_close_matches(name, PLOTS, n=1)
        hint = f" Did you mean: {close[0]}?" if close else f" Plots: {', '.join(PLOTS)}"
        raise CheatsheetError(f"no plot named {name!r}.{hint}")
    try:
        import matplotlib
    except ImportError:
        raise CheatsheetError("plots need matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    _, draw, size = PLOTS[name]
    figure = Figure(figsize=size, layout="constrained")
    draw(figure, seed=seed, **options)
    return figure


def png_bytes(name, seed=0, **options):
    """The plot as PNG bytes, e.g. for a data: URI in the exported web page."""
    buffer = io.BytesIO()
    figure_for(name, seed=seed, **options).savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
