# Simple RNN
model = Sequential([
    SimpleRNN(50, return_sequences=True, input_shape=(None, 1)),
    SimpleRNN(50, return_sequences=True),
    SimpleRNN(50),
    Dense(1)
])
