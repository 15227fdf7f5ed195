"""The CCC catalogue, the HS code table, self-declarations and import verification (items 13-15, 19-20)."""
