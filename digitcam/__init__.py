"""digitcam: handwritten digits from Keras training to a verified model on an edge camera."""

__version__ = "0.1.0"
