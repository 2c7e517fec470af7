"""The topic tree beside a catalogue listing: the topics that hold live items of this
catalogue, nested as the taxonomy is, each with the number of items below it (one query for
the counts, one for the taxonomy)."""

from ..core.models import Topic
from ..core.prepared import PreparedQuery

_topics = PreparedQuery(lambda: Topic.objects.order_by("sort_order", "name"))


def all_topics() -> list[Topic]:
    """The taxonomy in its order (the topic tree's and the topic filter's)."""
    return _topics.rows()


def topic_tree(counts: dict[int | None, int], selected_id: int | None = None,
               topics: list[Topic] | None = None, url: str = "") -> list[dict]:
    """The nodes, each with the link that filters ``url`` (the listing's) by its topic: made
    here once rather than per node in the template (a county's 100 topics asked the page
    for its URL 100 times)."""
    topics = all_topics() if topics is None else topics
    children: dict[int | None, list[Topic]] = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)

    def build(parent_id, seen):
        nodes = []
        for topic in children.get(parent_id, []):
            if topic.pk in seen:  # a cycle made by a raw write: never loop
                continue
            below = build(topic.pk, seen | {topic.pk})
            total = counts.get(topic.pk, 0) + sum(node["count"] for node in below)
            if total:  # an empty column is left out, not shown as a dead end
                nodes.append({"topic": topic, "count": total, "children": below,
                              "selected": topic.pk == selected_id,
                              "url": f"{url}?topic={topic.pk}"})
        return nodes

    return build(None, frozenset())
