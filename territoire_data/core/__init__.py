"""The domain: referential of communes, territories, search, catalogue, computation of the
indicators, warehouse, peer groups, ZAN. Nothing here renders, serves or stores users' data."""
