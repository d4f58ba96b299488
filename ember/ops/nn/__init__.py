"""Fused neural-network primitives: activations, convolution, pooling, attention, softmax and
binary cross-entropy kernels, normalisation, recurrent layers, CTC and grid sampling."""
