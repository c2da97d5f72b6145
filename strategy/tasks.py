"""The strategy app's Celery tasks: publishing scheduled posts when their minute comes, and
collecting our own posts' figures."""

from celery import shared_task

from . import collector, publishing


@shared_task(name="strategy.publish_due_posts", ignore_result=True)
def publish_due_posts():
    """Start every scheduled post whose time has come; each queues its outbox messages."""
    started = 0
    for post_id in publishing.due_post_ids():
        if publishing.start_publishing(post_id) is not None:
            started += 1
    return started


@shared_task(name="strategy.fan_out_post_figures", ignore_result=True)
def fan_out_post_figures():
    """Queue one collection per channel whose post figures are due (run by beat)."""
    due = collector.due_connections()
    for connection_id in due:
        collect_post_figures.apply_async((connection_id,), expires=15 * 60)
    return len(due)


@shared_task(name="strategy.collect_post_figures", ignore_result=True)
def collect_post_figures(connection_id):
    """Collect one channel's own posts and their figures."""
    return collector.collect(connection_id).status
