"""Conservation-performance contracts, camera-trap evidence and period payouts (DESIGN §13)."""
