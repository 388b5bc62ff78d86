"""The health endpoint ``/healthz`` for the balancer and the monitoring (issue 16)."""
