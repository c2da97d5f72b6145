"""Celery tasks of the ambassador programme."""

from celery import shared_task

from . import weekly


@shared_task(name="ambassadors.send_weekly", ignore_result=True)
def send_weekly():
    """This week's e-mail of posts to share, once per ambassador (run by beat on Mondays)."""
    return weekly.send_weekly()
