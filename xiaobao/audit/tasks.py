from django_tasks import task


@task()
def purge_expired() -> dict[str, int]:
    """Daily: remove audit records past the retention period of the security policy in force."""
    from xiaobao.accounts.policy import security_policy
    from xiaobao.audit import trail

    days = security_policy().audit_retention_days
    return {"removed": trail.purge(retention_days=days), "retention_days": days}
