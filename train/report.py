"""Evaluation reports: metrics.json, classification report and the plots a reader checks first.

Only the test split is scored here, once, after training chose its checkpoint on validation.
"""

from __future__ import annotations

import logging
import platform
from pathlib import Path
from typing import Any

import numpy as np

from digitcam import atomic
from digitcam.edge import contract

log = logging.getLogger(__name__)

CALIBRATION_BINS = 15
MISCLASSIFIED_SHOWN = 36


def predict(model, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """Probabilities for uint8 images, in batches (model(x), not model.predict: no progress spam)."""
    batch = contract.as_batch(images).astype(np.float32)
    parts = [np.asarray(model(batch[i:i + batch_size], training=False)) for i in range(0, len(batch), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, contract.NUM_CLASSES), np.float32)


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = CALIBRATION_BINS) -> float:
    """ECE: the gap between confidence and accuracy, averaged over equal-width confidence bins."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)


def score(probs: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Accuracy, per-class accuracy, confusion matrix and calibration error for test probabilities."""
    predicted = probs.argmax(axis=1)
    confusion = np.zeros((contract.NUM_CLASSES, contract.NUM_CLASSES), dtype=int)
    np.add.at(confusion, (labels, predicted), 1)
    per_class = {contract.LABELS[c]: float(confusion[c, c] / max(1, confusion[c].sum()))
                 for c in range(contract.NUM_CLASSES)}
    return {
        "test_accuracy": float((predicted == labels).mean()),
        "test_errors": int((predicted != labels).sum()),
        "test_images": int(len(labels)),
        "per_class_accuracy": per_class,
        "expected_calibration_error": expected_calibration_error(probs, labels),
        "confusion_matrix": confusion.tolist(),
    }


def library_versions() -> dict[str, str]:
    import keras
    import tensorflow as tf

    return {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": np.__version__}


def write_report(out: Path, model, x_test: np.ndarray, y_test: np.ndarray, extra: dict[str, Any],
                 history: dict[str, list[float]] | None = None) -> dict[str, Any]:
    """Score `model` on the test split and write metrics.json, the text report and the plots."""
    from sklearn.metrics import classification_report

    from digitcam.train.models import count_macs

    out.mkdir(parents=True, exist_ok=True)
    probs = predict(model, x_test)
    metrics = {"model": model.name, "parameters": int(model.count_params()), "macs_per_image": count_macs(model),
               **score(probs, y_test), **extra, "versions": library_versions()}
    atomic.write_json(out / "metrics.json", metrics)
    atomic.write_text(out / "classification_report.txt",
                      classification_report(y_test, probs.argmax(1), digits=4, zero_division=0,
                                            target_names=list(contract.LABELS)))
    plot_confusion(out / "confusion.png", np.array(metrics["confusion_matrix"]))
    plot_misclassified(out / "misclassified.png", x_test, y_test, probs)
    plot_reliability(out / "reliability.png", probs, y_test)
    if history:
        plot_curves(out / "curves.png", history)
    log.info("test accuracy %.4f (%d errors)", metrics["test_accuracy"], metrics["test_errors"])
    return metrics


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> None:
    with atomic.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    _figure().close(fig)


def plot_curves(path: Path, history: dict[str, list[float]]) -> None:
    plt = _figure()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    for ax, key in zip(axes, ("loss", "accuracy")):
        for prefix, style in (("", "-"), ("val_", "--")):
            if prefix + key in history:
                ax.plot(epochs, history[prefix + key], style, label=(prefix or "train_") + key)
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.grid(alpha=0.3)
        ax.legend()
    _save(fig, path)


def plot_confusion(path: Path, confusion: np.ndarray) -> None:
    plt = _figure()
    fig, ax = plt.subplots(figsize=(6, 5.4))
    # Log colour scale: the diagonal would otherwise wash out every error.
    ax.imshow(np.log1p(confusion), cmap="Blues")
    for (i, j), value in np.ndenumerate(confusion):
        ax.text(j, i, str(value), ha="center", va="center", fontsize=7,
                color="white" if i == j else ("crimson" if value else "lightgray"))
    ax.set_xticks(range(10), contract.LABELS)
    ax.set_yticks(range(10), contract.LABELS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("confusion matrix (test)")
    _save(fig, path)


def plot_misclassified(path: Path, images: np.ndarray, labels: np.ndarray, probs: np.ndarray) -> None:
    """The worst test errors: wrong answers given with the most confidence."""
    plt = _figure()
    predicted = probs.argmax(1)
    wrong = np.flatnonzero(predicted != labels)
    wrong = wrong[np.argsort(-probs[wrong, predicted[wrong]])][:MISCLASSIFIED_SHOWN]
    cols = 9
    rows = max(1, int(np.ceil(len(wrong) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.45), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(images[i].reshape(28, 28), cmap="gray")
        ax.set_title(f"{labels[i]}→{predicted[i]} {probs[i, predicted[i]]:.2f}", fontsize=7)
    fig.suptitle(f"worst {len(wrong)} test errors (true→predicted confidence)", fontsize=9)
    _save(fig, path)


def plot_reliability(path: Path, probs: np.ndarray, labels: np.ndarray, bins: int = CALIBRATION_BINS) -> None:
    plt = _figure()
    confidence = probs.max(1)
    correct = probs.argmax(1) == labels
    edges = np.linspace(0, 1, bins + 1)
    centres, accuracy, counts = [], [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            centres.append(confidence[inside].mean())
            accuracy.append(correct[inside].mean())
            counts.append(int(inside.sum()))
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], ":", color="gray", label="perfect calibration")
    ax.plot(centres, accuracy, "o-", label="model")
    for x, y, n in zip(centres, accuracy, counts):
        ax.annotate(str(n), (x, y), fontsize=6, textcoords="offset points", xytext=(3, -9))
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"reliability (ECE {expected_calibration_error(probs, labels) * 100:.2f} %)")
    ax.legend(loc="upper left")
    _save(fig, path)
