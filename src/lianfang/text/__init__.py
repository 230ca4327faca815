"""Text preparation: obfuscation-aware normalisation with a map back to original offsets."""
