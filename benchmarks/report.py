"""bench.json (everything), bench.md (the table) and bench.png (latency per configuration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from digitcam import atomic

COLUMNS = ("model / backend", "KB", "load ms", "first ms", "p50 ms", "p95 ms", "p99 ms", "img/s @32",
           "GMAC/s", "accuracy", "agree", "RSS MB")


def _fmt(value: Any, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def rows(results: list[dict[str, Any]]) -> list[list[str]]:
    table = []
    for r in results:
        if r.get("skipped"):
            table.append([r["name"], f"skipped: {r['skipped']}"] + [""] * (len(COLUMNS) - 2))
            continue
        if r.get("error"):
            table.append([r["name"], f"failed: {r['error']}"] + [""] * (len(COLUMNS) - 2))
            continue
        lat = r["latency_ms"]
        table.append([r["name"], _fmt(r["bytes"] / 1024, ".0f"), _fmt(r["load_ms"], ".1f"),
                      _fmt(r["first_inference_ms"], ".2f"), _fmt(lat["p50"], ".3f"), _fmt(lat["p95"], ".3f"),
                      _fmt(lat["p99"], ".3f"), _fmt(r["throughput_ips"], ".0f"),
                      _fmt(r.get("macs_per_second") and r["macs_per_second"] / 1e9, ".2f"),
                      _fmt(r.get("accuracy") and r["accuracy"] * 100, ".2f"),
                      _fmt(r.get("agreement") and r["agreement"] * 100, ".2f"), _fmt(r["peak_rss_mb"], ".0f")])
    return table


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [f"# digitcam bench, {report['date']}", "",
             f"{m['processor']} ({m['machine']}), {m['cores']} cores"
             + (f", {m['clock_mhz']:.0f} MHz" if m.get("clock_mhz") else "")
             + (f", {m['pi_model']}, throttled={m['throttled']}" if m.get("pi_model") else "")
             + f"; threads {report['threads'] or 'runtime default'}; {report['runs']} runs per latency figure; "
               f"accuracy on {report['images']} {report['data']} images.", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(report["results"])]
    ref = report.get("matmul")
    if ref:
        lines += ["", f"numpy single-thread matrix multiply: {ref['macs_per_second'] / 1e9:.1f} GMAC/s "
                      "(the yardstick for the GMAC/s column)."]
    pipe = report.get("pipeline")
    if pipe:
        lines += ["", f"Live pipeline, {pipe['frames']} frames of {pipe['frame_size'][0]}x{pipe['frame_size'][1]}, "
                      f"{pipe['digits_per_frame']:.1f} digits per frame, {Path(pipe['model']).name} on "
                      f"{pipe['backend']}:", "", "| stage | median ms | p95 ms |", "|---|---|---|"]
        lines += [f"| {name} | {s['median_ms']:.2f} | {s['p95_ms']:.2f} |" for name, s in pipe["stages"].items()]
        lines += ["", f"{pipe['fps_median']:.0f} frames per second (median), {pipe['fps_p95']:.0f} at p95."]
    return "\n".join(lines) + "\n"


def chart(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = [r for r in report["results"] if r.get("latency_ms")]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(measured) + 1.5))
    for i, r in enumerate(measured):
        lat = r["latency_ms"]
        ax.plot([lat["p50"], lat["p99"]], [i, i], color="tab:blue", linewidth=6, alpha=0.35,
                solid_capstyle="butt")
        ax.plot(lat["p50"], i, "o", color="tab:blue")
        ax.text(lat["p99"], i, f"  {lat['p50']:.3f} ms", va="center", fontsize=8)
    ax.set_yticks(range(len(measured)), [r["name"] for r in measured], fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("single-image latency, ms (dot: p50, bar: p50 to p99; log scale)")
    ax.set_title(f"digitcam bench {report['date']}: {report['machine']['processor']}", fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3, which="both")
    with atomic.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    plt.close(fig)


def write(report: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    slim = {**report, "results": [{k: v for k, v in r.items() if k != "predictions"} for r in report["results"]]}
    atomic.write_json(out / "bench.json", slim)
    atomic.write_text(out / "bench.md", markdown(report))
    try:
        chart(report, out / "bench.png")
    except ImportError:
        pass  # no matplotlib on the device: the JSON and the table are the result
