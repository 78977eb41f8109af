"""The study path: the sections in roadmap order, why each comes where it does, and the order of
the topics. Everything else about a card lives in its own file, snippets/<module>.py.

Adding a card: write snippets/<module>.py (see cheatsheet/cards/cardfile.py for its
docstring), put its topic in TOPICS where a learner should meet it, and add
tests/cards/test_<module>.py.
"""

# (section, why it comes at this point), fundamentals to deployment.
SECTIONS = (
    ("Fundamentals", "Layers, losses and optimizers are the vocabulary every later card uses."),
    ("Architectures", "With the vocabulary in hand, see how layers stack for images, sequences "
                      "and generation."),
    ("Frameworks", "The same models in the Sequential and Functional APIs, and in PyTorch, so "
                   "you can read code written either way."),
    ("Data", "Before training in earnest: feed examples efficiently, augment scarce ones and "
             "balance rare classes."),
    ("Optimization", "Once a model is built, how it is trained decides whether it learns: "
                     "optimizers and learning-rate schedules."),
    ("Regularization", "A model that trains well can still memorize: penalties, dropout, batch "
                       "norm and early stopping keep it general."),
    ("Quick reference", "The losses and metrics to pick from once you know what you are "
                        "training and how to judge it."),
    ("Diagnostics and deployment", "Last: find out why training misbehaves, then save, export "
                                   "and scale out the model that works."),
)

# Every card's topic, in the order a learner meets them within its section (a card names its
# section in its own header; `list`, `roadmap` and `export` group by it, then follow this order).
TOPICS = (
    # Fundamentals
    "basics", "activations", "weight-init",
    # Architectures
    "cnn", "residual", "rnn", "lstm", "gru", "transformer", "text", "gan", "autoencoder",
    # Frameworks
    "sequential", "functional", "pytorch", "custom-training",
    # Data
    "data-pipeline", "augmentation", "class-imbalance",
    # Optimization
    "optimizers", "adamw", "lr-schedule", "callbacks", "transfer-learning",
    # Regularization
    "weight-regularization", "dropout", "batch-norm", "early-stopping",
    # Quick reference
    "losses", "metrics",
    # Diagnostics and deployment
    "diagnostics", "deployment", "distributed", "multi-worker",
)
