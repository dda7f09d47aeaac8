"""Mise en relation: the territory's actors (profiles and directory), their requests to join a
territory, invitations into threads. Every action goes through ``access.authorisation``;
notifications of these events are made by ``territoire_data.notifications``."""
