"""The city's people: users, their teams and qualifications, team duty rotas and workload, the roster import."""
