"""Reusable ipywidgets / ipyleaflet components of the territoire dashboard.

Models are plain traitlets; they read data through ``territoire_data`` only (never the
reverse). The components arrive with the dashboard issue.
"""
