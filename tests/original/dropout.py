# Dropout
model.add(Dropout(0.5))
