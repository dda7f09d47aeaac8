"""What the exchange space reads from a workspace: its data, its store and what a right on a
territory covers (see ``core.territories.DataContext``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from territoire_data.core.territories import DataContext

if TYPE_CHECKING:
    from territoire_data.access.authorisation import Authorisation
    from territoire_data.store.database import Store


class ExchangeContext(DataContext, Protocol):
    """A ``DataContext`` with the discussion store."""

    @property
    def store(self) -> Store: ...

    def access_units(self, code: str) -> frozenset[str]: ...

    def authorisation(self, login: str | None) -> Authorisation: ...
