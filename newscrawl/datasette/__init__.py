"""What `newscrawl serve` gives Datasette: metadata.yml (facets, canned queries) and plugin.py (search, Beijing times)."""
