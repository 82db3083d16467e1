"""Everything that touches the network or a raw format: decoding, readers (HTML, PDF, text),
identification, and the grammar that turns bulletin text into observations."""

# Bump when a change to the readers or the grammar can change what is extracted: cached extractions
# are keyed by document hash and this version.
EXTRACTOR_VERSION = "0.4.0"
