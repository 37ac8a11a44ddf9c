def register(router): pass
