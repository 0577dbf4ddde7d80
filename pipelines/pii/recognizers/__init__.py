"""One recognizer per module; :mod:`pipelines.pii.registry` lists them."""
