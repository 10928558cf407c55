"""The scheduler process: background jobs that run on a clock (APScheduler)."""
