raise KeyError("no configuration")
