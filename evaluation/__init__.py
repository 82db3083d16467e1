"""Synthetic evaluation corpus for the bulletin extractor.

`python -m evaluation.generate OUT_DIR [--n 180] [--seed 2026]` writes documents and their expected
extractions; `python -m evaluation.generate --check OUT_DIR` verifies a generated corpus. See README.md.
"""
