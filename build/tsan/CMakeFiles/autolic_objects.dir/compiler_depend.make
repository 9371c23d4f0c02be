# Empty compiler generated dependencies file for autolic_objects.
# This may be replaced when dependencies are built.
