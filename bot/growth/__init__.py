"""Child growth: reading measurements from texts, UK-WHO centiles, flags for the health visitor
and charts."""
