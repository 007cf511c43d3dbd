"""Staff pages of a customer's third-party access: the customer page's panel and an authorisation's reads."""

from __future__ import annotations

from django.shortcuts import render

from authorisations import selectors
from authorisations.views import LOG_PAGE_SIZE, reads_in_words, revoke_offered
from core.access import found_or_404, staff_required
from core.paging import offset_page
from subjects.disclosure import subject_view
from subjects.models import DataSubject

# The authorisations the staff customer page lists, newest first; it says when there are more.
PANEL_AUTHORISATIONS = 50


def subject_panel_context(request, subject: DataSubject) -> dict:
    """The third-party access section of the staff customer page (registered as a subject panel): the
    newest authorisations with their reads counted, and whether older ones are not listed."""
    listed = list(selectors.authorisations_with_read_counts(subject)[: PANEL_AUTHORISATIONS + 1])
    authorisations = listed[:PANEL_AUTHORISATIONS]
    may_revoke = request.user.has_perm("authorisations.revoke_authorisation")
    # A revoke link where the user may revoke and the state table allows it (`revoke_offered`).
    revocable = {a.pk for a in authorisations if may_revoke and revoke_offered(a, request.user)}
    more = len(listed) > PANEL_AUTHORISATIONS
    return {"tpa_authorisations": authorisations, "tpa_revocable": revocable, "tpa_more": more}


@staff_required("authorisations.view_authorisation")
def staff_reads(request, pk):
    """Which third party read what of the customer's data and when, newest first, page by page: a
    staff look at the customer's personal data, recorded as the customer page's is."""
    authorisation = found_or_404(selectors.authorisation_by_id(pk))
    subject_view(authorisation.subject, user=request.user, context="portal.authorisation_reads")
    reads = selectors.authorisation_accesses(authorisation)
    page = offset_page(reads, params=request.GET, size=LOG_PAGE_SIZE)
    context = {"authorisation": authorisation, "page": page, "accesses": reads_in_words(page.rows)}
    return render(request, "authorisations/staff_reads.html", context)
