"""The original tf.keras 2 sheet's buggy lines, verbatim, each paired with the card pitfall that
says what goes wrong: the data of the quiz's "spot the bug" questions.

The package cannot read tests/original/ (an installed copy has no tests), so the lines live
here; tests/test_quiz.py checks that each one appears verbatim in tests/original/<card>.py and
in the sheet itself (../shared/seed/deep-learning-cheatsheet.txt, when it is there), and
tests/cards/test_quiz_answers.py runs each one to see it fail or warn as its pitfall says.

Each Spot is (topic, code, pitfall, family):
- code: the original's lines, verbatim (the sheet's no-break spaces read as plain spaces);
- pitfall: a phrase found in exactly one of the card's pitfalls, the answer;
- family: the kind of bug; a question's wrong choices come from other families, so no wrong
  choice is also true of the code shown.
"""

from collections import namedtuple

Spot = namedtuple("Spot", ["topic", "code", "pitfall", "family"])

SPOTS = (
    Spot("basics", "layer = Dense(units=64, activation='relu')\n\n"
                   "# Forward pass\noutput = layer(input)",
         "`layer(input)`", "built-in input"),
    Spot("activations", "def softmax(x):\n    exp_x = np.exp(x - np.max(x))\n"
                        "    return exp_x / np.sum(exp_x, axis=0)",
         "sums over axis 0", "softmax axis"),
    Spot("activations", "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))",
         "overflows (RuntimeWarning)", "overflow"),
    Spot("cnn", "    Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),",
         "`input_shape=(28, 28, 1)`", "input_shape"),
    Spot("rnn", "model = Sequential([\n"
                "    SimpleRNN(50, return_sequences=True, input_shape=(None, 1)),\n"
                "    SimpleRNN(50, return_sequences=True),\n"
                "    SimpleRNN(50),\n"
                "    Dense(1)\n"
                "])",
         "never calls `compile`", "never compiled"),
    Spot("lstm", "model = Sequential([\n"
                 "    LSTM(50, return_sequences=True, input_shape=(None, 1)),\n"
                 "    LSTM(50, return_sequences=True),\n"
                 "    LSTM(50),\n"
                 "    Dense(1)\n"
                 "])",
         "never compiled", "never compiled"),
    Spot("transformer", "    def call(self, inputs, training):\n"
                        "        attn_output = self.att(inputs, inputs)\n"
                        "        attn_output = self.dropout1(attn_output, training=training)",
         "`call(self, inputs, training)`", "training default"),
    Spot("transformer", "        self.att = MultiHeadAttention(num_heads=num_heads, "
                        "key_dim=embed_dim)",
         "`key_dim=embed_dim` is legal", "key_dim"),
    Spot("gan", "    model.add(LeakyReLU(alpha=0.2))", "`LeakyReLU(alpha=0.2)`", "alpha"),
    Spot("gan", "    model.add(Dense(256, input_dim=100))", "`Dense(256, input_dim=100)`",
         "input_shape"),
    Spot("sequential", "model = tf.keras.Sequential([\n"
                       "    layers.Dense(64, activation='relu'),\n"
                       "    layers.Dense(64, activation='relu'),\n"
                       "    layers.Dense(10, activation='softmax')\n"
                       "])",
         "has no input", "unbuilt"),
    Spot("pytorch", "        self.fc1 = nn.Linear(9216, 128)", "`nn.Linear(9216, 128)`",
         "fixed input size"),
    Spot("lr-schedule", "lr_schedule = tf.keras.optimizers.schedules.ExponentialDecay(\n"
                        "    initial_learning_rate=1e-2,\n"
                        "    decay_steps=10000,\n"
                        "    decay_rate=0.9)\n"
                        "optimizer = tf.keras.optimizers.SGD(learning_rate=lr_schedule)",
         "A schedule owns the rate", "schedule owns the rate"),
    Spot("weight-regularization",
         "model.add(Dense(64, kernel_regularizer=tf.keras.regularizers.l2(0.01)))",
         "never defines", "no model"),
    Spot("dropout", "model.add(Dropout(0.5))", "`model.add(Dropout(0.5))`", "no model"),
    Spot("batch-norm", "model.add(BatchNormalization())", "`model.add(BatchNormalization())`",
         "no model"),
    Spot("early-stopping", "early_stopping = tf.keras.callbacks.EarlyStopping(\n"
                           "    monitor='val_loss',\n"
                           "    patience=10,\n"
                           "    restore_best_weights=True)",
         "gives fit() no validation data", "no validation data"),
    Spot("losses", "huber_loss # Combines MSE and MAE", '`loss="huber_loss"`', "huber_loss"),
    Spot("metrics", "def custom_metric(y_true, y_pred):\n"
                    "    return tf.reduce_mean(y_true - y_pred)",
         "The original's custom metric", "custom metric"),
    Spot("metrics", "precision\nrecall\nf1_score\nauc # Area Under ROC Curve",
         'only `"accuracy"` works', "metric strings"),
)

# What the original sheet says its CNN takes: the "predict" questions compute from these.
CNN_BLOCK = """\
model = Sequential([
    Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    MaxPooling2D((2, 2)),
    Conv2D(64, (3, 3), activation='relu'),
    MaxPooling2D((2, 2)),
    Flatten(),
    Dense(64, activation='relu'),
    Dense(10, activation='softmax')
])"""
