"""Who is reading and what they may do: identity of a session, users and roles, and the
authorisation rules used by the discussions, the radar foncier and the widgets."""
