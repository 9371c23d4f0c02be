# Empty compiler generated dependencies file for autolic_static.
# This may be replaced when dependencies are built.
