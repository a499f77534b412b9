"""What the library costs on R2, from the published price table (configurable)."""

from __future__ import annotations

from dataclasses import dataclass

GB = 1_000_000_000  # R2 bills storage in GB-months of 10^9 bytes


@dataclass(frozen=True, slots=True)
class Prices:
    """R2's published prices (USD). Egress is free. Override in ``[prices]`` of r2tui.toml."""

    storage_gb_month: float = 0.015
    free_storage_gb: float = 10.0
    class_a_per_million: float = 4.50  # writes and lists: PutObject, UploadPart, ListObjects...
    class_b_per_million: float = 0.36  # reads: GetObject, HeadObject

    def storage_month(self, stored_bytes: int) -> float:
        """The monthly storage bill for ``stored_bytes``, after the free tier."""
        return max(0.0, stored_bytes / GB - self.free_storage_gb) * self.storage_gb_month

    def storage_month_gross(self, stored_bytes: int) -> float:
        """The same before the free tier: what the storage itself is worth."""
        return stored_bytes / GB * self.storage_gb_month

    def class_a(self, operations: int) -> float:
        return operations / 1_000_000 * self.class_a_per_million

    def class_b(self, operations: int) -> float:
        return operations / 1_000_000 * self.class_b_per_million


@dataclass(frozen=True, slots=True)
class UploadCost:
    """What an upload adds: Class A operations now, storage every month after."""

    class_a_ops: int
    added_bytes: int
    operations_usd: float
    storage_month_usd: float  # the monthly storage bill's increase, free tier considered


def upload_cost(
    prices: Prices, stored_bytes: int, class_a_ops: int, added_bytes: int
) -> UploadCost:
    """The cost of an upload that adds ``added_bytes`` to ``stored_bytes`` already stored."""
    before = prices.storage_month(stored_bytes)
    after = prices.storage_month(stored_bytes + added_bytes)
    return UploadCost(class_a_ops, added_bytes, prices.class_a(class_a_ops), after - before)


def usd(amount: float) -> str:
    """``$0.51``; ``<$0.01`` for amounts that round to nothing but are not nothing."""
    if 0 < amount < 0.005:
        return "<$0.01"
    return f"${amount:,.2f}"


def storage_line(prices: Prices, stored_bytes: int) -> str:
    """``storage 43.89 GB: $0.51/month ($0.66 before the 10 GB free tier); egress free``."""
    net = prices.storage_month(stored_bytes)
    gross = prices.storage_month_gross(stored_bytes)
    return (
        f"storage {stored_bytes / GB:,.2f} GB: {usd(net)}/month "
        f"({usd(gross)} before the {prices.free_storage_gb:g} GB free tier); egress free"
    )
