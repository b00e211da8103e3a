"""One monitoring stack per zone: the plan, its files, alert text, the webhook relay and the trap receiver."""
