from __future__ import annotations

from collections.abc import Callable

from alembic import context

from qitong.db.engine import make_engine
from qitong.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _for_this_dialect(dialect: str) -> Callable[..., bool]:
    """Leave out objects declared for another database only (`.ddl_if(dialect=...)`, e.g. the
    PostgreSQL trigram indexes), so SQLite is not told it lacks them."""

    def include(obj: object, _name: str | None, _type: str, _reflected: bool, _compare_to: object) -> bool:
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect is None or ddl_if.dialect == dialect

    return include


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        include_object=_for_this_dialect(connection.dialect.name),  # type: ignore[attr-defined]
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
