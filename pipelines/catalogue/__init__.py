"""The programme catalogue: hand-curated indicators, targets, funding and the seed reader that proves them."""
