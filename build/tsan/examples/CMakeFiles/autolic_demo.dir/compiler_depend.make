# Empty compiler generated dependencies file for autolic_demo.
# This may be replaced when dependencies are built.
