"""Link analysis: rarity-weighted correlation, clusters, expansion, lookups."""
