"""Rebuild the public search index (SearchDocument) from the disclosure pages, and its copy on
the Elasticsearch/OpenSearch cluster when GOVINFO_SEARCH_CLUSTER is set."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ... import cluster
from ...cluster_search import ClusterSearch
from ...documents import rebuild_search_documents


class Command(BaseCommand):
    help = ("Rebuild the public search index: every live, public disclosure page, nothing "
            "else; then the cluster's copy when GOVINFO_SEARCH_CLUSTER is set.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--cluster-only", action="store_true",
            help="Only rebuild the cluster's index from the SearchDocument rows as they are.",
        )
        parser.add_argument(
            "--skip-cluster", action="store_true",
            help="Only rebuild the database's public index.",
        )

    def handle(self, *args, cluster_only=False, skip_cluster=False, **options):
        if cluster_only and not cluster.enabled():
            raise CommandError(_("GOVINFO_SEARCH_CLUSTER is not set."))
        if not cluster_only:
            self.rebuild_database()
        if cluster.enabled() and not skip_cluster:
            try:
                name, indexed = ClusterSearch().rebuild()
            except cluster.ClusterError as exc:
                raise CommandError(
                    _("The search cluster could not be rebuilt: %(error)s") % {"error": exc}
                ) from exc
            self.stdout.write(_("%(indexed)d documents are in the cluster index %(name)s.")
                              % {"indexed": indexed, "name": name})

    def rebuild_database(self):
        indexed, total = rebuild_search_documents()
        self.stdout.write(_("%(indexed)d of %(total)d disclosure pages are in the public "
                            "search index.") % {"indexed": indexed, "total": total})
