"""The baby café finder: a directory of local breastfeeding drop-ins, searched by district.

No open national list of Baby Cafés exists, so the deploying service keeps its own directory
(imported from a CSV, edited on the desk). Distances come from outward-code centroids built
offline from Code-Point Open, so a search never needs the network.
"""
