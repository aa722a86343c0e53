"""The blotter's domain: orders, fills, commissions, statuses, events and the Store. Standard library only."""
