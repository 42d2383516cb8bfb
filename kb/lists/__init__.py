"""The lists of entries: their parameters (FilterSets), facet counts and pages."""
