# Batch Normalization
model.add(BatchNormalization())
