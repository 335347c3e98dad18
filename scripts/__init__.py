"""Maintenance scripts: the test subset, the shipped models, the model card."""
