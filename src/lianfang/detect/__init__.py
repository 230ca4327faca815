"""Detection: the YAML sample library of rules plus a trained classifier."""
