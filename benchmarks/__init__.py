"""Benchmarks that run on the device itself: per format and backend, and the live pipeline."""
