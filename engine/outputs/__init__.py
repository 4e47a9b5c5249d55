"""Outputs: result documents rendered for people and programs (stage 3 of 3). One module per format."""
