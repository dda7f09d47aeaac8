"""Notifications: what a user should know (access requests, decisions, invitations, replies),
kept in the store (``outbox``), shown in the dashboard and sent by e-mail (``mail``,
``delivery``) immediately, in a daily digest or not at all, as each user chooses."""
