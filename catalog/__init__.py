"""The declarative knowledge of the project: zones, units, indicators, units of measure, FX rates,
curated published figures and the paper's claims, as data files with small typed loaders."""

from catalog.loader import (
    BUNDLED_CURATED,
    PAPER_CLAIMS,
    Catalog,
    CatalogError,
    load_catalog,
    load_curated,
    load_paper_claims,
)

__all__ = [
    "BUNDLED_CURATED",
    "PAPER_CLAIMS",
    "Catalog",
    "CatalogError",
    "load_catalog",
    "load_curated",
    "load_paper_claims",
]
