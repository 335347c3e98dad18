"""Desktop training: MNIST data, the three architectures, fitting and reports.

Importing this package is cheap; TensorFlow loads only in the modules that train.
"""
