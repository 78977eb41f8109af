# L1/L2 Regularization
model.add(Dense(64, kernel_regularizer=tf.keras.regularizers.l2(0.01)))
model.add(Dense(64, kernel_regularizer=tf.keras.regularizers.l1_l2(l1=0.01, l2=0.01)))
