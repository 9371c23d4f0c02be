# Empty dependencies file for autolic_testsupport.
# This may be replaced when dependencies are built.
