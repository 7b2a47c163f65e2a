pytest_plugins = ["thidua.testing"]
