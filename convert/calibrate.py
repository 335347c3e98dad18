"""Temperature scaling: confidence that means what it says.

One temperature T is fitted on the validation split (never the test split) by minimising
the negative log-likelihood of softmax(log p / T); the runtime applies it from the manifest.
"""

from __future__ import annotations

import numpy as np

from digitcam.edge.recognizer import calibrate

BOUNDS = (0.25, 8.0)


def nll(probs: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    scaled = calibrate(probs, temperature)
    return float(-np.log(np.clip(scaled[np.arange(len(labels)), labels], 1e-12, 1.0)).mean())


def fit_temperature(probs: np.ndarray, labels: np.ndarray, iterations: int = 60) -> float:
    """Golden-section search on log T (the NLL is unimodal in T)."""
    lo, hi = np.log(BOUNDS[0]), np.log(BOUNDS[1])
    ratio = (np.sqrt(5) - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = nll(probs, labels, np.exp(a)), nll(probs, labels, np.exp(b))
    for _ in range(iterations):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(probs, labels, np.exp(a))
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = nll(probs, labels, np.exp(b))
    return float(np.exp((lo + hi) / 2))
