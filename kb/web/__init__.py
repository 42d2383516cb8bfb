"""What every response shares: the health check, security headers, error pages and the
values every template may use."""
