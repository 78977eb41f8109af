# LSTM (Long Short-Term Memory)
model = Sequential([
    LSTM(50, return_sequences=True, input_shape=(None, 1)),
    LSTM(50, return_sequences=True),
    LSTM(50),
    Dense(1)
])
