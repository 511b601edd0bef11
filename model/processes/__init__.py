"""Weekly processes, one module each; each acts on the state arrays in place."""
