# Empty compiler generated dependencies file for autolic.
# This may be replaced when dependencies are built.
