"""Benchmarks of the report runner (`make bench`): fixed cost per notebook, whole report, workers.

Prints one line per figure (wall seconds, peak RSS of this process; kernels are child processes,
their peak is printed separately). Figures are printed, never asserted.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).parent))
from _measure import children_peak_mib, measure  # noqa: E402

PROTOCOL = "period = None\ndata_path = None\nfindings_path = None\nsample_size = 5000\nseed = 0"


def _trivial(folder: Path, name: str, imports: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    cell = nbformat.v4.new_code_cell(PROTOCOL)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {name}"),
        cell,
        nbformat.v4.new_code_cell(imports),
    ]
    nbformat.write(nb, folder / f"{name}.ipynb")


def main() -> None:
    from fbresearch.params import DEFAULT_NOTEBOOKS_DIR, NOTEBOOK_ORDER
    from fbresearch.report import run_report

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        nbs = root / "nbs"
        nbs.mkdir()
        _trivial(nbs, "empty", "x = 1")
        _trivial(nbs, "imports", "import fbresearch as fb\nimport pandas, seaborn\nfb.set_theme()")
        base = {"notebooks_dir": str(nbs), "sample_size": 5000}
        with measure("report: 1 empty notebook (data, kernel, render, index)"):
            run_report({**base, "notebooks": {"empty": {}}}, out=root / "a", progress=None)
        run = run_report(
            {**base, "notebooks": {"empty": {}, "imports": {}}}, out=root / "c", progress=None
        )
        for nb in run.notebooks:
            print(
                f"fixed cost per notebook ({nb.name}: kernel start, "
                f"{'imports, ' if nb.name == 'imports' else ''}"
                f"render): {nb.seconds:.2f} s"
            )
        available = {
            n: {} for n in NOTEBOOK_ORDER if (DEFAULT_NOTEBOOKS_DIR / f"{n}.ipynb").exists()
        }
        for workers in (1, 2):
            with measure(
                f"whole report, sample 5,000, {len(available)} notebooks, {workers} worker(s)"
            ):
                run = run_report(
                    {"notebooks": available},
                    out=root / f"w{workers}",
                    workers=workers,
                    progress=None,
                )
            for nb in run.notebooks:
                print(f"  {nb.name}: {nb.seconds:.1f} s")
        size = sum(p.stat().st_size for p in (root / "w1").rglob("*") if p.is_file())
        print(f"report size on disk: {size / 2**20:.1f} MiB")
        print(f"peak RSS of child processes (kernels, workers): {children_peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
