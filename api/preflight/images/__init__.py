"""Image checks: decoding with limits, near-duplicate fingerprints, embedded notices, OCR."""
