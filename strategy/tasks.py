"""The strategy app's Celery tasks: publishing scheduled posts when their minute comes."""

from celery import shared_task

from . import publishing


@shared_task(name="strategy.publish_due_posts", ignore_result=True)
def publish_due_posts():
    """Start every scheduled post whose time has come; each queues its outbox messages."""
    started = 0
    for post_id in publishing.due_post_ids():
        if publishing.start_publishing(post_id) is not None:
            started += 1
    return started
