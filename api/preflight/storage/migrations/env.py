"""Alembic environment, run only by Store with a live connection (there is no alembic.ini)."""
from alembic import context

from preflight.storage.models import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
