"""The on-device runtime: no TensorFlow, ever; OpenCV and a small inference runtime."""
