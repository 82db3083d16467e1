"""Evaluation of the extractor.

- `evaluation.score` (`borderzones eval DIR`): scores `extract` on every document of a folder against its
  NAME.expected.json (precision, recall, statuses, look-alikes taken, per document and per class).
- `evaluation.generate` (`python -m evaluation.generate OUT_DIR [--n 180] [--seed 2026]`, `make eval`):
  composes a SYNTHETIC corpus from phrasing banks, page chromes and renderers, with the expected files
  written from the same data as the text; `--check OUT_DIR` verifies one. It was written without reading
  the extractor, so that the corpus tests it rather than mirrors it. See README.md.
"""
