"""English table and column names (one vocabulary for every identifier, docs/vocabulary.md).

Renames only, and the anchor types stored in English (indicator, parcel, feature). ``ALTER TABLE … RENAME`` and ``RENAME COLUMN`` work the same
on PostgreSQL and on SQLite (3.25 and later, which updates the foreign keys and indexes that
mention them); indexes are recreated under their new names.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = [("utilisateurs", "users"), ("fils", "threads"), ("signalements", "flags"), ("lectures", "read_marks")]
COLUMNS = [
    ("organisations", "nom", "name"),
    ("users", "cree_le", "created_at"),
    ("threads", "territoire", "territory"),
    ("threads", "titre", "title"),
    ("threads", "visibilite", "visibility"),
    ("threads", "ancre_type", "anchor_type"),
    ("threads", "ancre", "anchor"),
    ("threads", "auteur_id", "author_id"),
    ("threads", "cree_le", "created_at"),
    ("threads", "actif_le", "active_at"),
    ("roles", "utilisateur_id", "user_id"),
    ("roles", "territoire", "territory"),
    ("roles", "debut", "start"),
    ("roles", "fin", "end"),
    ("read_marks", "utilisateur_id", "user_id"),
    ("read_marks", "fil_id", "thread_id"),
    ("read_marks", "dernier_message_id", "last_message_id"),
    ("messages", "fil_id", "thread_id"),
    ("messages", "auteur_id", "author_id"),
    ("messages", "texte", "text"),
    ("messages", "cree_le", "created_at"),
    ("messages", "modifie_le", "edited_at"),
    ("messages", "supprime_le", "deleted_at"),
    ("messages", "supprime_par_id", "deleted_by_id"),
    ("revisions", "texte", "text"),
    ("flags", "utilisateur_id", "user_id"),
    ("flags", "motif", "reason"),
    ("flags", "traite", "handled"),
]
ANCHOR_TYPES = [("indicateur", "indicator"), ("parcelle", "parcel"), ("entite", "feature")]  # values
INDEXES = [  # (old name, new name, table, columns)
    ("ix_fils_territoire", "ix_threads_territory", "threads", ["territory"]),
    ("ix_roles_utilisateur_id", "ix_roles_user_id", "roles", ["user_id"]),
    ("ix_messages_auteur_date", "ix_messages_author_date", "messages", ["author_id", "created_at"]),
    ("ix_messages_fil", "ix_messages_thread", "messages", ["thread_id", "id"]),
    ("ix_signalements_message_id", "ix_flags_message_id", "flags", ["message_id"]),
]


def _quote(name: str) -> str:
    return f'"{name}"'  # "end" is a reserved word


def upgrade() -> None:
    for old, _new, _table, _columns in INDEXES:
        op.drop_index(old)
    for old, new in TABLES:
        op.execute(f"ALTER TABLE {_quote(old)} RENAME TO {_quote(new)}")
    for table, old, new in COLUMNS:
        op.execute(f"ALTER TABLE {_quote(table)} RENAME COLUMN {_quote(old)} TO {_quote(new)}")
    for _old, new, table, columns in INDEXES:
        op.create_index(new, table, columns)
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "flags" RENAME CONSTRAINT "uq_signalement" TO "uq_flag"')
    for old, new in ANCHOR_TYPES:
        op.execute(f"UPDATE threads SET anchor_type = '{new}' WHERE anchor_type = '{old}'")


def downgrade() -> None:
    for old, new in ANCHOR_TYPES:
        op.execute(f"UPDATE threads SET anchor_type = '{old}' WHERE anchor_type = '{new}'")
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "flags" RENAME CONSTRAINT "uq_flag" TO "uq_signalement"')
    for _old, new, _table, _columns in INDEXES:
        op.drop_index(new)
    for table, old, new in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {_quote(table)} RENAME COLUMN {_quote(new)} TO {_quote(old)}")
    for old, new in reversed(TABLES):
        op.execute(f"ALTER TABLE {_quote(new)} RENAME TO {_quote(old)}")
    old_tables = dict((n, o) for o, n in TABLES)
    old_columns = {(t, n): o for t, o, n in COLUMNS}
    for old, _new, table, columns in INDEXES:
        op.create_index(old, old_tables.get(table, table), [old_columns.get((table, c), c) for c in columns])
