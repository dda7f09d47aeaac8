"""Text rules shared by every layer, depending on nothing else in the package.

- ``places``: French place names normalised for search and matching;
- ``messages``: what people type (messages, titles), checked, rendered and sanitised;
- ``names``: names people read as someone's (organisations, display names), normalised so
  that nobody passes for someone else.
"""
