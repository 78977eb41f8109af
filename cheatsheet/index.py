"""The card index: one declarative table mapping topics (and aliases) to snippet functions.

Lookups read only this table and the snippet files as text, so nothing here may import
tensorflow, keras, matplotlib or sklearn.
"""

from collections import namedtuple

Card = namedtuple(
    "Card",
    [
        "topic",  # the id people type: `cheatsheet show <topic>`
        "title",  # equals the `Title:` line of the snippet's docstring (checked by the tests)
        "section",  # one of SECTIONS, in roadmap order
        "summary",  # equals the `Description:` line of the snippet's docstring
        "note",  # what the idea is and why it works, in our own words
        "module",  # snippet module under snippets/, e.g. "cnn"
        "functions",  # the top-level functions/classes `show` prints, in reading order
        "aliases",  # other names people type
        "pitfalls",  # the Keras 3 pitfalls this card avoids (see shared/keras3-notes.md)
        "see_also",  # related topics
    ],
)

# The study path, fundamentals to deployment: (section, why it comes at this point).
SECTIONS = (
    ("Fundamentals", "Layers, losses and optimizers are the vocabulary every later card uses."),
    ("Architectures", "With the vocabulary in hand, see how layers stack for images, sequences "
                      "and generation."),
    ("Frameworks", "The same models in the Sequential and Functional APIs, and in PyTorch, so "
                   "you can read code written either way."),
    ("Optimization", "Once a model is built, how it is trained decides whether it learns: "
                     "optimizers and learning-rate schedules."),
    ("Regularization", "A model that trains well can still memorize: penalties, dropout, batch "
                       "norm and early stopping keep it general."),
    ("Quick reference", "The losses and metrics to pick from once you know what you are "
                        "training and how to judge it."),
    ("Diagnostics and deployment", "Last: find out why training misbehaves, then save, export "
                                   "and scale out the model that works."),
)

CARDS = (
    # -- Fundamentals -----------------------------------------------------------------------
    Card(
        topic="basics",
        title="Neural-network basics",
        section="Fundamentals",
        summary="A Dense layer, a forward pass, a loss and one Adam step that lowers it.",
        note=(
            "A Dense layer computes activation(x @ W + b): every output unit is a weighted sum of "
            "all inputs plus a bias, bent by a non-linearity. A forward pass runs a real tensor "
            "through the layers; a loss (here binary cross-entropy, "
            "-mean(y log p + (1-y) log(1-p))) scores the predictions; the optimizer (Adam) "
            "moves each weight a small step against "
            "its gradient, which is what training repeats thousands of times."
        ),
        module="basics",
        functions=("build_dense_model", "forward_pass", "train_step"),
        aliases=("nn", "neural-network", "dense", "fundamentals"),
        pitfalls=(
            "The seed calls `layer(input)`, which passes Python's built-in `input` function and "
            "raises ValueError: a layer needs a real tensor (here a NumPy batch).",
            "Start models with `keras.Input(shape=...)`: `input_shape=` on a layer is deprecated "
            "in Keras 3 (UserWarning), and a Sequential with neither stays unbuilt, so "
            "`count_params()` raises until its first call.",
            "Use `import keras` and `keras.losses.BinaryCrossentropy()`, not `tf.keras`: the same "
            "code then runs on the JAX and PyTorch backends too.",
        ),
        see_also=("activations", "sequential", "optimizers", "losses", "cnn"),
    ),
    Card(
        topic="activations",
        title="Activation functions",
        section="Fundamentals",
        summary="Sigmoid, ReLU and softmax in NumPy, numerically stable and equal to Keras.",
        note=(
            "Without a non-linearity between them, stacked layers collapse into one linear map. "
            "Sigmoid squashes to (0, 1) for binary probabilities, ReLU (max(0, x)) keeps gradients "
            "alive in deep stacks, and softmax turns a row of scores into class probabilities that "
            "sum to 1. Written by hand they must be numerically stable: subtract the row maximum "
            "before exp in softmax, and split sigmoid by sign so exp never overflows."
        ),
        module="activations",
        functions=("sigmoid", "relu", "softmax"),
        aliases=("activation", "sigmoid", "relu", "softmax", "nonlinearity"),
        pitfalls=(
            "The seed's softmax normalises over axis 0, across the batch: on a (batch, classes) "
            "array rows do not sum to 1 and it differs from Keras by up to ~0.92. Take max and "
            "sum over `axis=-1` with `keepdims=True`.",
            "The seed subtracts the global maximum, so a row far below it divides 0 by 0 and "
            "gives NaN; subtracting each row's own maximum cannot.",
            "`1 / (1 + np.exp(-x))` overflows (RuntimeWarning) for x < -88.7 in float32; the "
            "sign-split form never calls exp on a positive number.",
        ),
        see_also=("basics", "losses", "diagnostics", "transformer"),
    ),
    # -- Architectures ----------------------------------------------------------------------
    Card(
        topic="cnn",
        title="Convolutional neural network (CNN)",
        section="Architectures",
        summary="Two Conv2D + MaxPooling2D blocks and a Dense head that classify 8x8 digit images.",
        note=(
            "A convolution slides small learned filters (3x3 here) over the image, so the same "
            "edge or stroke detector works wherever the pattern sits, with 9 weights per input "
            "channel where a Dense unit needs one per pixel. Max-pooling halves each side, "
            "keeping the strongest response; the second convolution then combines strokes into "
            "larger shapes. "
            "Flatten turns the feature maps into one vector for a Dense classifier. At 28x28x1 "
            "the seed's stack has 121,930 parameters, 102,464 of them in the first Dense layer. "
            "The demo pads ('same') so the stack fits scikit-learn's 8x8 digits and trains it "
            "with Adam on integer labels (sparse categorical cross-entropy)."
        ),
        module="cnn",
        functions=("build_cnn", "load_digit_images"),
        aliases=("conv", "convnet", "conv2d", "convolution", "convolutional"),
        pitfalls=(
            "The seed puts `input_shape=(28, 28, 1)` on the first Conv2D; Keras 3 warns about it "
            "and wants the model to start with `keras.Input(shape=(28, 28, 1))`.",
            "On small images the seed's unpadded stack runs out of pixels (8 -> 6 -> 3 -> 1 -> "
            "0) and Keras raises ValueError; `padding=\"same\"` keeps each convolution's size.",
            "Sparse categorical cross-entropy takes integer labels (3); one-hot labels need "
            "`CategoricalCrossentropy` instead. The card uses class objects, not strings.",
            "`keras.datasets.mnist` downloads at run time and fails offline; the bundled "
            "`sklearn.datasets.load_digits` needs no network.",
        ),
        see_also=("basics", "activations"),
    ),
    Card(
        topic="rnn",
        title="Recurrent neural network (RNN)",
        section="Architectures",
        summary="Stacked SimpleRNN layers read a sequence step by step and predict its next value.",
        note=(
            "A recurrent layer reads a sequence one step at a time and carries a hidden state "
            "(50 numbers here) from step to step, computed from the current input and the previous "
            "state with the same weights at every step; so one model reads sequences of any "
            "length. Stacked layers pass their whole output sequence upward "
            "(`return_sequences=True`); the last passes only its final state to Dense(1), the "
            "predicted next value. The demo learns a noisy sine wave and must beat the naive "
            "forecast 'the next value equals the last one' by 2x in mean squared error."
        ),
        module="rnn",
        functions=("build_rnn", "noisy_sine_windows", "mixed_length_batches"),
        aliases=("simplernn", "simple-rnn", "recurrent"),
        pitfalls=(
            "The seed never calls `compile`, so its model cannot be fitted; the card compiles "
            "with Adam and mean squared error, the loss of a regression head.",
            "Declare `keras.Input(shape=(None, 1))`, not `input_shape=` on the first layer: "
            "`None` is the time axis, so the model takes sequences of any length.",
            "Accepting any length is not predicting well at any length: trained on length 20 "
            "alone it does worse than the naive forecast on length 8. Train on mixed lengths "
            "(here 10, 20 and 30).",
            "A Python generator passed to `fit` with the default `shuffle=True` raises a "
            "UserWarning in Keras 3; fresh random batches need `shuffle=False`.",
        ),
        see_also=("lstm", "transformer"),
    ),
    Card(
        topic="lstm",
        title="Long short-term memory (LSTM)",
        section="Architectures",
        summary="Stacked LSTM layers whose gated memory predicts the next value of a sequence.",
        note=(
            "A SimpleRNN multiplies its state by the same weights at every step, so gradients "
            "from far back shrink (or blow up) as they flow through time. An LSTM adds a cell "
            "state that is updated by addition, under three learned gates: forget (how much "
            "memory to keep), input (how much new information to write) and output (how much to "
            "show). That path lets gradients survive long sequences, at four times the weights "
            "of a SimpleRNN (50,851 against 12,751 here). Same task as the rnn card: beat "
            "'repeat the last value' by 2x on a noisy sine."
        ),
        module="lstm",
        functions=("build_lstm", "noisy_sine_windows", "mixed_length_batches"),
        aliases=("long-short-term-memory", "gated-recurrent"),
        pitfalls=(
            "The seed's LSTM stack is never compiled and cannot be fitted; the card compiles "
            "it for regression (Adam, mean squared error).",
            "Use `keras.Input(shape=(None, 1))` instead of `input_shape=`: Keras 3 warns about "
            "the latter, and `None` keeps the sequence length free.",
            "A model that accepts any length only predicts well at lengths it was trained on "
            "(or longer); the card trains on batches of 10, 20 and 30 steps.",
            "The LSTM's gates make a slow start at Adam's default 0.001; the demo uses 0.005 "
            "to learn in three short epochs.",
        ),
        see_also=("rnn", "transformer"),
    ),
    Card(
        topic="transformer",
        title="Transformer block",
        section="Architectures",
        summary="Self-attention and a feed-forward network, each with a residual and LayerNorm.",
        note=(
            "Self-attention lets every token look at every other token at once: each position "
            "scores all positions (query times key), and takes the softmax-weighted mix of their "
            "values. Several heads do this in parallel in smaller slices, key_dim = embed_dim // "
            "num_heads, so four heads cost what one full-width head would (4,224 parameters at "
            "embed 32, against 16,800 with the seed's key_dim=embed_dim). A feed-forward network "
            "then transforms each token alone; residual connections and LayerNorm keep deep "
            "stacks trainable. Attention has no sense of order, so a learned position vector is "
            "added to each token's embedding. The demo classifies 'does token 7 occur?'."
        ),
        module="transformer",
        functions=("TransformerBlock", "TokenAndPositionEmbedding", "build_classifier"),
        aliases=("attention", "self-attention", "multi-head-attention", "transformer-block"),
        pitfalls=(
            "The seed's `call(self, inputs, training)` has no default, so building a model on "
            "the block, or a plain `block(x)`, raises TypeError before fit or predict can run; "
            "`training=None` lets Keras fill it in.",
            "Without `**kwargs` passed to `super().__init__`, `get_config()` and "
            "`@keras.saving.register_keras_serializable`, a saved .keras model cannot be loaded "
            "(TypeError: could not be deserialized).",
            "Without `build()`, loading warns that the layer 'has unbuilt state' and skips the "
            "optimizer's saved variables; the card builds every sublayer there.",
            "The seed's `key_dim=embed_dim` is legal but gives each head the full width: about "
            "4x the attention parameters of `key_dim=embed_dim // num_heads`.",
        ),
        see_also=("rnn", "lstm"),
    ),
    Card(
        topic="gan",
        title="Generative adversarial network (GAN)",
        section="Architectures",
        summary="A generator and a discriminator trained in turns until fakes look like the data.",
        note=(
            "The generator turns random noise into samples; the discriminator scores samples as "
            "real (1) or fake (0). They train in turns: the discriminator on a batch of real "
            "samples and the generator's fakes, then the generator, through a stacked model whose "
            "discriminator is frozen, towards fakes the discriminator calls real. When neither can "
            "improve, the fakes follow the data's distribution. The seed's generator maps 100-d "
            "noise to a 28x28x1 image in [-1, 1] (tanh). The demo's 1-D GAN must move its sample "
            "mean to within 0.5 of 4 (data N(4, 0.5)) in 150 rounds; with a path it also trains "
            "the generator on 8x8 digits and saves a PNG grid."
        ),
        module="gan",
        functions=("build_generator", "build_discriminator", "build_gan", "train_step"),
        aliases=("generative-adversarial-network", "generator", "discriminator", "adversarial"),
        pitfalls=(
            "`LeakyReLU(alpha=0.2)` is deprecated in Keras 3: write `negative_slope=0.2` (the "
            "default slope is 0.3, not 0.2).",
            "`Dense(256, input_dim=100)` warns in Keras 3; start with `keras.Input(shape=(100,))`.",
            "The seed builds a generator but never trains it. In Keras 3 each model reads the "
            "`trainable` flags when it first trains: set the discriminator trainable before its "
            "own step and frozen before the stacked model's. Frozen at its own first step it "
            "learns nothing; trainable at the stacked model's, the generator's turn trains it too.",
            "A tanh output lies in [-1, 1]: scale real images to the same range, and use a linear "
            "output for data outside it (the 1-D demo's target is near 4).",
        ),
        see_also=("cnn", "basics"),
    ),
    # -- Frameworks -------------------------------------------------------------------------
    Card(
        topic="sequential",
        title="Sequential API",
        section="Frameworks",
        summary="A 32-input, 64-64-10 classifier as a keras.Sequential stack opened by "
                "keras.Input.",
        note=(
            "keras.Sequential is a list of layers applied in order: one input, one output, no "
            "branches, which is all a plain stack needs. Opening the list with "
            "keras.Input(shape=(32,)) fixes the input width, so every layer creates its weights "
            "at once and count_params() and summary() work before any data is seen. Each Dense "
            "layer has inputs x units weights plus one bias per unit: 32*64+64 + 64*64+64 + "
            "64*10+10 = 6,922. model.add(layer) builds the same stack one layer at a time."
        ),
        module="sequential",
        functions=("build_sequential_model",),
        aliases=("sequential-api", "keras-sequential", "model-add"),
        pitfalls=(
            "The seed's Sequential has no input: Keras 3 leaves it unbuilt, so `count_params()` "
            "raises ValueError and `summary()` lists '0 (unbuilt)' until the first call. Open "
            "the list with `keras.Input(shape=(32,))`.",
            "`input_shape=` on the first layer is deprecated in Keras 3 (a UserWarning); "
            "`keras.Input` replaces it.",
            "Use `import keras`, not `tf.keras`: the same model then runs on the JAX and "
            "PyTorch backends too.",
        ),
        see_also=("functional", "basics"),
    ),
    Card(
        topic="functional",
        title="Functional API",
        section="Frameworks",
        summary="The same 64-64-10 classifier as a graph of layer calls, plus a feature extractor.",
        note=(
            "The Functional API calls layers on symbolic tensors: keras.Input is a placeholder, "
            "each layer call returns a new tensor, and keras.Model(inputs, outputs) keeps the "
            "graph between them. For the seed's 64-64-10 stack the result is the Sequential "
            "model layer for layer (the same 6,922 weights give the same outputs), but a graph "
            "also allows several inputs or outputs, shared layers and skip connections, and "
            "models cut from inner layers: feature_extractor ends at the second hidden layer and "
            "shares the classifier's trained weights rather than copying them."
        ),
        module="functional",
        functions=("build_functional_model", "feature_extractor"),
        aliases=("functional-api", "keras-model", "feature-extractor"),
        pitfalls=(
            "Start the graph with `keras.Input(shape=(32,))`: the shape leaves out the batch "
            "axis, and `input_shape=` on a layer is deprecated in Keras 3.",
            "Name the layers you will look up: `get_layer(\"hidden_2\")` is stable, while "
            "automatic names like `dense_7` change with how many layers the session has made.",
            "A model cut with `keras.Model(model.inputs, layer.output)` shares its layers: "
            "training either one changes both. Use `keras.models.clone_model` for an "
            "independent copy.",
        ),
        see_also=("sequential", "pytorch"),
    ),
    Card(
        topic="pytorch",
        title="PyTorch and its Keras twin",
        section="Frameworks",
        summary="The seed's PyTorch CNN and the same network in Keras, weights copied from NCHW to "
                "NHWC.",
        note=(
            "PyTorch lays image batches out NCHW (batch, channels, height, width), Keras NHWC "
            "(channels last), so the twin is the same layers with the axes moved: conv kernels "
            "go from (out, in, h, w) to (h, w, in, out), Dense kernels are transposed, and fc1's "
            "9216 inputs are regrouped because each side flattens in its own order. 9216 is "
            "64 channels x 12 x 12, which only a 1x28x28 input gives (28 -> 26 -> 24 -> pooled "
            "12). The Net ends in log_softmax, so it returns log-probabilities, and NLLLoss "
            "(the mean of -log p[label]) turns them into cross-entropy. Keras has no NLLLoss: "
            "SparseCategoricalCrossentropy(from_logits=True) gives the same value, because "
            "log_softmax leaves log-probabilities unchanged. torch is imported only inside "
            "build_torch_net, so the card runs without it."
        ),
        module="pytorch",
        functions=("build_torch_net", "build_keras_twin", "copy_torch_weights"),
        aliases=("torch", "torch-net", "nchw", "channels-last"),
        pitfalls=(
            "`nn.Linear(9216, 128)` fits only a 1x28x28 input (12 * 12 * 64 = 9216); any other "
            "size fails at fc1 ('mat1 and mat2 shapes cannot be multiplied').",
            "The head is `log_softmax`: pair it with `nn.NLLLoss`. `nn.CrossEntropyLoss` expects "
            "raw scores and applies log_softmax itself (harmless but redundant here); NLLLoss on "
            "raw scores is the real bug, a loss with no lower bound.",
            "Reshaping weights across frameworks is not enough: conv kernels must be transposed "
            "and fc1's columns regrouped from channel-first to channel-last order, or the twin "
            "silently computes something else.",
            "The twin starts with `keras.Input(shape=(28, 28, 1))`, channels last (Keras's "
            "default data_format), never `input_shape=`.",
        ),
        see_also=("functional", "sequential"),
    ),
    # -- Optimization -----------------------------------------------------------------------
    Card(
        topic="optimizers",
        title="Optimizers",
        section="Optimization",
        summary="SGD with momentum, Adam, RMSprop and Adagrad on one problem, with their "
                "loss curves.",
        note=(
            "An optimizer turns gradients into weight updates. SGD with momentum keeps a "
            "velocity (0.9 * velocity - lr * gradient) that smooths noisy gradients and speeds "
            "up along directions they agree on. Adam keeps bias-corrected moving averages of the "
            "gradient and of its square and divides one by the root of the other, so each weight "
            "gets its own step size: its first step is about lr in every coordinate, whatever "
            "the gradient's scale. RMSprop divides by the root of a moving average of squared "
            "gradients; Adagrad by the root of their running sum, which only grows, so a "
            "steady gradient gets ever smaller steps. compare_optimizers trains one model from "
            "one start with each and returns the loss per epoch."
        ),
        module="optimizers",
        functions=("make_optimizers", "build_model", "compare_optimizers"),
        aliases=("optimizer", "sgd", "momentum", "adam", "rmsprop", "adagrad"),
        pitfalls=(
            "One optimizer instance serves one model: it builds its slots (velocities, moving "
            "averages) for that model's variables, and a second model raises ValueError "
            "'Unknown variable'. make_optimizers returns new instances on every call.",
            "Keras 3 rejects the legacy `lr=` (ValueError): write `learning_rate=`. A decaying "
            "rate is a schedule (see lr-schedule), not `decay=`.",
            "`optimizer=\"adam\"` uses the defaults; pass an instance to set learning_rate, "
            "momentum, beta_1/beta_2 or rho.",
        ),
        see_also=("lr-schedule", "basics"),
    ),
    Card(
        topic="lr-schedule",
        title="Learning-rate schedule",
        section="Optimization",
        summary="ExponentialDecay as SGD's rate: lr = 1e-2 * 0.9 ** (step / 10000), read "
                "every step.",
        note=(
            "A schedule is a function of the optimizer's step counter, read at every update. "
            "ExponentialDecay gives initial * rate ** (step / decay_steps): the seed's 1e-2 "
            "loses 10% every 10,000 updates (9e-3 at step 10,000, 7.68e-3 at 25,000), smoothly, "
            "or in jumps with staircase=True, which floors the exponent. Big early steps cover "
            "ground, small late ones settle into a minimum. Steps count batches, not epochs: "
            "at 43 batches an epoch the seed's decay barely moves in a short run, so the demo "
            "decays once per epoch instead."
        ),
        module="lr_schedule",
        functions=("make_schedule", "make_sgd", "schedule_curve"),
        aliases=("learning-rate-schedule", "exponential-decay", "lr-decay", "schedule"),
        pitfalls=(
            "A schedule owns the rate: `optimizer.learning_rate = x` raises TypeError ('not "
            "settable'), and so does `ReduceLROnPlateau` as soon as it tries to lower it. Use "
            "either a schedule or a float rate with ReduceLROnPlateau, not both.",
            "Keras 3 ignores the legacy `decay=` argument (it only warns) and rejects `lr=`: "
            "decay has to be a schedule passed as `learning_rate=`.",
            "`decay_steps` counts optimizer updates (batches), not epochs.",
        ),
        see_also=("optimizers",),
    ),
    # -- Regularization ---------------------------------------------------------------------
    Card(
        topic="weight-regularization",
        title="Weight regularization (L1, L2, L1L2)",
        section="Regularization",
        summary=("Penalties on kernel size added to the loss: l2 * sum(w**2), "
                 "l1 * sum(|w|), or both."),
        note=(
            "A kernel penalty adds the size of the weights to the loss that fit() minimizes: L2 "
            "adds strength * sum(w**2), with no 1/2 in front; L1 adds strength * sum(|w|); L1L2 "
            "adds both. L2 pulls each weight toward zero in proportion to its size (with plain "
            "SGD it is weight decay: every step multiplies w by 1 - 2 * lr * strength), while "
            "L1 pulls with the same force whatever the size, so weights that barely help end up "
            "near zero. Small weights give a smoother function that has less room to memorize "
            "noise. model.losses holds the penalties at the current weights, one per kernel."
        ),
        module="weight_regularization",
        functions=("make_regularizer", "build_regularized_model", "regularization_penalty"),
        aliases=("l1", "l2", "l1l2", "l1_l2", "weight-decay", "regularizer"),
        pitfalls=(
            "The seed calls `model.add(...)` on a model it never defines (and a Functional "
            "model has no `.add`): build on `keras.Input` and pass `kernel_regularizer=` to "
            "each layer.",
            "`l2(0.01)` adds 0.01 * sum(w**2), not 0.005 * sum(w**2): there is no 1/2, so halve "
            "the strength to match a formula written as lambda/2 * ||w||^2.",
            "Keras 3's `L1L2()` (alias `l1_l2`) defaults to l1=0.0, l2=0.0, and the string "
            "\"l1l2\" gives the same: no penalty, and no error. tf.keras 2's `l1_l2()` "
            "defaulted to 0.01 each. Always pass both strengths.",
            "The `loss` fit() reports includes the penalty, so it is not comparable between a "
            "penalised and a plain model: compare a metric such as "
            "`keras.metrics.MeanSquaredError()` instead.",
        ),
        see_also=("dropout", "early-stopping", "optimizers"),
    ),
    Card(
        topic="dropout",
        title="Dropout",
        section="Regularization",
        summary=("Zero a random share of units in training, scale the rest "
                 "up; identity at inference."),
        note=(
            "While training, Dropout sets each unit to zero with probability `rate` and "
            "multiplies the survivors by 1 / (1 - rate), so every unit keeps its expected value; "
            "a fresh mask is drawn at every step. No unit can count on another being there, so "
            "the network learns redundant features, much like averaging many thinned networks. "
            "At inference the layer is the identity: predict() and evaluate() use the whole "
            "network, and no rescaling is needed there because training already did it."
        ),
        module="dropout",
        functions=("build_dropout_model", "apply_dropout"),
        aliases=("dropout-layer", "inverted-dropout", "drop-out"),
        pitfalls=(
            "The seed's `model.add(Dropout(0.5))` has no model to add to: put the layer in a "
            "model built on `keras.Input`, here between the hidden layer and the head.",
            "A layer or model called directly runs in inference mode: `Dropout(0.5)(x)` returns "
            "x unchanged. Pass `training=True` to see the mask; fit() passes it for you, "
            "predict() and evaluate() do not.",
            "`rate` is the share of units dropped, not kept (TF 1's `keep_prob` was the "
            "opposite): `Dropout(0.8)` keeps only 20% of them.",
        ),
        see_also=("batch-norm", "weight-regularization", "early-stopping"),
    ),
    Card(
        topic="batch-norm",
        title="Batch normalization",
        section="Regularization",
        summary=("Normalize features with batch statistics in training, "
                 "moving averages at inference."),
        note=(
            "In training, BatchNormalization standardizes each feature with the current batch's "
            "mean and variance, (x - mean) / sqrt(var + epsilon), then rescales it with a "
            "learned gamma and beta. Each layer then sees inputs on a steady scale, so training "
            "tolerates larger learning rates and unscaled inputs, and the batch-to-batch noise "
            "regularizes a little. The layer also keeps moving averages, moving = momentum * "
            "moving + (1 - momentum) * batch statistic, and inference uses those instead, so a "
            "prediction does not depend on the rest of its batch."
        ),
        module="batch_norm",
        functions=("build_batch_norm_model", "batch_norm_forward", "moving_statistics"),
        aliases=("batchnorm", "batch-normalization", "bn", "batchnormalization"),
        pitfalls=(
            "The seed's `model.add(BatchNormalization())` has no model to add to: build on "
            "`keras.Input`, with BN between a bias-free Dense and its activation.",
            "Keras' `momentum=0.99` weights the old average; PyTorch's `momentum=0.1` weights "
            "the new batch, so Keras 0.99 is PyTorch 0.01. Keras' moving variance uses the "
            "biased batch variance (divide by n), PyTorch's the unbiased one (n - 1), and the "
            "default epsilons differ (1e-3 and 1e-5).",
            "Calling the layer or model directly is inference mode; pass `training=True` (fit() "
            "does) to normalize with the batch and update the averages. With momentum 0.99 the "
            "averages need a few hundred steps to forget their start (mean 0, variance 1).",
            "In Keras 3, `trainable = False` on a BatchNormalization layer also makes it run in "
            "inference mode, moving statistics and no updates, which is what fine-tuning wants.",
        ),
        see_also=("dropout", "early-stopping", "basics"),
    ),
    Card(
        topic="early-stopping",
        title="Early stopping",
        section="Regularization",
        summary="Stop when validation loss stalls and roll back to the best epoch's weights.",
        note=(
            "EarlyStopping checks a metric on held-out data at the end of every epoch and stops "
            "training once it has not improved for `patience` epochs; with "
            "restore_best_weights=True the model ends with the weights of its best epoch, not "
            "the last, overfitted ones. It needs validation data: val_loss is what shows the "
            "moment the model starts memorizing its training set, when training loss keeps "
            "falling but validation loss turns up. The number of epochs is then decided by the "
            "data instead of guessed."
        ),
        module="early_stopping",
        functions=("build_overfitting_model", "train_with_early_stopping"),
        aliases=("earlystopping", "early-stop", "patience", "restore-best-weights"),
        pitfalls=(
            "The seed monitors `val_loss` but gives fit() no validation data: Keras only warns "
            "that the metric is missing and trains every epoch. Pass `validation_data=` (or "
            "`validation_split=`).",
            "Keras 3 restores the best weights at the end of training even when it never "
            "stopped early; older tf.keras 2 restored them only when the callback itself "
            "stopped training.",
            "`stopped_epoch` and `best_epoch` count from 0, while the log prints epochs from 1; "
            "`stopped_epoch` stays 0 when training ran to the end.",
        ),
        see_also=("weight-regularization", "dropout", "batch-norm"),
    ),
    # -- Quick reference --------------------------------------------------------------------
    Card(
        topic="losses",
        title="Loss functions",
        section="Quick reference",
        summary="Eight Keras losses, each beside its NumPy formula and a line on when to use it.",
        note=(
            "A loss turns a batch of predictions into the one number training drives down, and "
            "the head decides which to use. Regression: mean squared error (big errors cost most; "
            "it predicts the mean), mean absolute error (every unit costs the same; robust to "
            "outliers, it predicts the median) or Huber (squared below delta, linear above). A "
            "sigmoid head takes binary cross-entropy; a softmax head takes categorical "
            "cross-entropy on one-hot labels or the sparse form on integer labels, which gives "
            "the same number. Hinge is the SVM margin on -1/1 labels; KL divergence measures how "
            "far one distribution is from another. Each NumPy formula here equals Keras to 1e-6. "
            "The seed's \"huber_loss\" is not a Keras name (\"huber\" is, or "
            "keras.losses.Huber()), and compile accepts it anyway: the ValueError comes only at "
            "the first fit."
        ),
        module="losses",
        functions=("mean_squared_error", "mean_absolute_error", "huber", "binary_crossentropy",
                   "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge",
                   "kl_divergence", "keras_losses"),
        aliases=("loss", "mse", "mae", "huber", "cross-entropy", "hinge", "kl-divergence"),
        pitfalls=(
            "`loss=\"huber_loss\"` is not a Keras identifier: compile succeeds and the first fit "
            "raises ValueError. Write `\"huber\"` or `keras.losses.Huber(delta=1.0)`.",
            "Match labels to the loss: CategoricalCrossentropy takes one-hot (batch, k), "
            "SparseCategoricalCrossentropy integers (batch,); swapped, both raise a shape "
            "ValueError.",
            "Prefer `import keras` and the class forms (`keras.losses.MeanSquaredError()`): "
            "`tf.keras.losses` and `keras.losses` spell some short aliases differently.",
        ),
        see_also=("metrics", "basics", "activations"),
    ),
    Card(
        topic="metrics",
        title="Evaluation metrics",
        section="Quick reference",
        summary="Metric objects that fit each head (sigmoid, softmax, regression), and a custom "
                "metric.",
        note=(
            "A metric is what you report, not what you train: accuracy, precision (of the "
            "predicted positives, the share that is right), recall (of the real positives, the "
            "share found), F1 (their harmonic mean) and AUC (how well scores rank positives "
            "above negatives, over all thresholds) for classifiers; MSE, MAE and R^2 (the share "
            "of variance explained, 0 for predicting the mean) for regression. Pass metric "
            "objects with explicit arguments that fit the head: a 1-unit sigmoid takes binary "
            "metrics at threshold 0.5 and (batch, 1) labels; a softmax with integer labels takes "
            "only SparseCategoricalAccuracy, with one-hot labels also macro F1 and AUC; a "
            "regression head takes the error metrics. A custom metric uses keras.ops, casts "
            "y_true to the prediction's dtype, returns one value per sample so Keras averages "
            "exactly, takes absolute errors (the seed's signed mean lets +0.5 and -0.5 cancel "
            "to 0) and is registered so a saved model reloads. Each value equals scikit-learn's "
            "(AUC within 1e-2: Keras sums the ROC curve over 200 thresholds)."
        ),
        module="metrics",
        functions=("binary_head_metrics", "softmax_head_metrics", "mean_relative_error",
                   "regression_head_metrics"),
        aliases=("metric", "accuracy", "precision", "recall", "f1", "auc", "r2"),
        pitfalls=(
            "The string `\"f1_score\"` on a 1-unit sigmoid head becomes F1Score(threshold=None), "
            "which counts every sample as positive and reports the F1 of that guess. Use "
            "`keras.metrics.F1Score(average=\"micro\", threshold=0.5)` with (batch, 1) labels.",
            "With integer labels on a softmax head only `\"accuracy\"` works: `\"precision\"`, "
            "`\"recall\"`, `\"f1_score\"` and `\"auc\"` raise shape ValueErrors. Keep "
            "SparseCategoricalAccuracy, or one-hot the labels for the others.",
            "The seed's custom metric fails on integer labels (dtype TypeError), lets errors "
            "cancel (a signed mean) and cannot be reloaded unregistered: cast `y_true`, take "
            "absolute values, decorate with `@keras.saving.register_keras_serializable`.",
        ),
        see_also=("losses", "basics"),
    ),
    # -- Diagnostics and deployment ---------------------------------------------------------
    Card(
        topic="diagnostics",
        title="Training diagnostics",
        section="Diagnostics and deployment",
        summary=("Learning-curve verdicts, one-batch overfit, "
                 "gradient norms, dead ReLUs, NaN guards."),
        note=(
            "When training misbehaves, check in this order. First overfit one small batch: a "
            "working model, loss and optimizer drive 16 samples to ~0 loss, so if yours cannot, "
            "the bug is in the code (labels, loss, learning rate), not in the data. Then read "
            "the learning curves: a training loss that stays high is underfitting (bigger model, "
            "longer training); a validation loss that turns up while the training loss falls is "
            "overfitting (regularize, stop early). Per-layer gradient norms show vanishing "
            "gradients (early layers get under a thousandth of the largest, as in a deep sigmoid "
            "stack, whose derivative is at most 0.25 per layer) or exploding ones; a dead ReLU "
            "unit outputs 0 for every input, gets no gradient and never learns again. Guard long "
            "runs with clipnorm and TerminateOnNaN, and check the data for NaN before fit."
        ),
        module="diagnostics",
        functions=("learning_curve_verdict", "overfit_one_batch", "gradient_norms",
                   "flag_gradients", "dead_relu_fraction", "check_finite", "guarded_compile"),
        aliases=("debugging", "learning-curves", "vanishing-gradients", "dead-relu", "clipnorm"),
        pitfalls=(
            "Keras 3 has no backend-neutral gradient call, and `tf.GradientTape` ties the code to "
            "TensorFlow: one plain SGD step on a copy of the model moves each weight by "
            "-learning_rate * gradient, so (old - new) / learning_rate is the gradient on any "
            "backend (equal to GradientTape's within 1e-5).",
            "TerminateOnNaN watches only the loss. On TensorFlow's default x86 CPU build "
            "(oneDNN), a NaN pixel went through the compiled Dense+ReLU as 0: the loss stayed "
            "finite while the first layer's weights were already NaN. Check the data with "
            "`np.isfinite` before fit.",
            "TerminateOnNaN stops after the batch whose loss was NaN, whose step has already "
            "been applied: the weights are NaN by then, so resume from a checkpoint, not from "
            "the model in memory.",
        ),
        see_also=("activations", "basics", "deployment"),
    ),
    Card(
        topic="deployment",
        title="Saving, exporting and TensorFlow Lite",
        section="Diagnostics and deployment",
        summary=("Save and reload .keras, export a SavedModel, "
                 "run it as LiteRT and check the outputs."),
        note=(
            "Three ways to ship a trained model. A .keras file holds the whole model "
            "(architecture, weights, optimizer state) for Keras itself: reload it and go on "
            "training. model.export() writes a SavedModel, an inference-only TensorFlow graph "
            "that loads without Keras or the model's Python code (TF Serving, converters). The "
            "TFLite converter turns that into one flatbuffer file for phones and "
            "microcontrollers, run by the LiteRT interpreter: in float32 its outputs stay within "
            "1e-5 of Keras (measured ~3e-7), while quantize=True stores 8-bit weights for a file "
            "up to 4x smaller at ~1e-3 drift. Every file goes to a temporary directory."
        ),
        module="deployment",
        functions=("save_and_reload", "export_saved_model", "load_saved_model",
                   "convert_to_tflite", "run_tflite"),
        aliases=("save", "export", "savedmodel", "tflite", "litert", "load-model"),
        pitfalls=(
            "`model.save('my_model')` with no extension raises ValueError in Keras 3: save to a "
            "`.keras` path, and use `model.export()` for a SavedModel.",
            "`keras.saving.load_model` cannot read a SavedModel in Keras 3: reload it with "
            "`tf.saved_model.load` (or wrap it as a layer with `keras.layers.TFSMLayer`).",
            "Keep the object `tf.saved_model.load` returns: keeping only its `.serve` function "
            "lets the restored variables be freed, and the first call fails.",
            "`tf.lite.Interpreter` still runs in TensorFlow 2.21 but warns that it is deprecated "
            "and scheduled for deletion; LiteRT (`pip install ai-edge-litert`) has the same "
            "Interpreter. The converter stays `tf.lite.TFLiteConverter`.",
        ),
        see_also=("diagnostics", "distributed"),
    ),
    Card(
        topic="distributed",
        title="Data-parallel training",
        section="Diagnostics and deployment",
        summary=("Train one model on several devices with MirroredStrategy; "
                 "its loss matches one device."),
        note=(
            "Data parallelism puts a copy of the model (a replica) on every device. Each replica "
            "takes its share of the global batch and computes gradients; an all-reduce averages "
            "them, so every replica takes the same step, and the losses match one device "
            "training on the whole batch (tested on two logical CPUs, within 1e-5). Build and "
            "compile inside strategy.scope(), where variables get one copy per replica, and grow "
            "the global batch with the number of replicas. Logical CPUs share the same cores, so "
            "they show the mechanics, not a speed-up. For several machines, "
            "tf.distribute.MultiWorkerMirroredStrategy does the same, each worker reading the "
            "cluster from its TF_CONFIG variable; keras.distribution (DataParallel over a "
            "DeviceMesh) is Keras 3's backend-neutral API, implemented for JAX."
        ),
        module="distributed",
        functions=("use_logical_cpus", "build_regressor", "train_under"),
        aliases=("multi-gpu", "mirrored-strategy", "data-parallel", "multi-worker"),
        pitfalls=(
            "Logical devices can only be set before TensorFlow runs its first op; later "
            "`set_logical_device_configuration` raises RuntimeError, so configure them first "
            "thing in the process (the demo does, and says so when it is too late).",
            "Build and compile the model inside `strategy.scope()`: variables created there are "
            "MirroredVariables, one copy per replica; built outside, they live on one device.",
            "Under a strategy, fit's `batch_size` is the global batch, split across replicas: "
            "each device sees batch_size / replicas rows.",
        ),
        see_also=("deployment", "diagnostics"),
    ),
)

# Every name a user may type, resolved to its card. Built once at import; ~20 entries.
_BY_NAME = {}
for _card in CARDS:
    for _name in (_card.topic, *_card.aliases):
        _BY_NAME.setdefault(_name, _card)
del _card, _name


def find(name):
    """The card for a topic or alias (case-insensitive), or None."""
    return _BY_NAME.get(name.strip().lower())


def suggestions(name, limit=3):
    """Topics whose id or aliases look like `name`, best first, for 'Did you mean'."""
    import difflib

    close = difflib.get_close_matches(name.strip().lower(), list(_BY_NAME), n=limit * 2,
                                      cutoff=0.6)
    topics = []
    for match in close:
        topic = _BY_NAME[match].topic
        if topic not in topics:
            topics.append(topic)
    return topics[:limit]


def cards_by_section():
    """(section, why, [cards]) in roadmap order, skipping sections with no card yet."""
    return [(section, why, [c for c in CARDS if c.section == section])
            for section, why in SECTIONS
            if any(c.section == section for c in CARDS)]
