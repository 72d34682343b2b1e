from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conflict_service.db import Base


class StatusLookupGuard(Base):
    """Wrong PINs entered for a claim on the public status page; enough of them lock the lookup for a while."""

    __tablename__ = "status_lookup_guards"

    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
