"""Conversion: the Keras model to TFLite and ONNX, each artifact verified before it is usable."""
