"""Fortunes-style reference pages for issue #19's goal (uncached reader pages >= 0.33x of it).

As TechEmpower's "fortunes" test does: one plain query for the rows a page shows, rendered by a
tiny escaped Django template, nothing else (no forms, no validators, no menus, no template tags).
Mounted under /bench-fortunes/ beside the app's own URLs (bench/fortunes_settings.py), only by the
benchmark: the app never routes here.
"""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from claims_tracker import urls as app_urls

LIST_SQL = """
SELECT c.id, c.text, c.status, c.status_changed_at, c.claimed_at, p.name, p.slug
FROM claims_claim c JOIN claims_claimant p ON p.id = c.claimant_id
WHERE c.merged_into_id IS NULL
ORDER BY c.claimed_at DESC, c.id DESC
LIMIT %s
"""

# The claim, its claimant, its appearances (speaker, article, outlet) and its history, in one query.
CLAIM_SQL = """
SELECT c.text, c.status, c.status_changed_at, c.claimed_at, p.name, p.slug,
       a.stance, a.quote, a.verb, s.name, o.name, r.id, r.published_at, r.url,
       (SELECT json_agg(json_build_object('from', h.from_status, 'to', h.to_status, 'at', h.changed_at,
                                          'why', h.rationale) ORDER BY h.changed_at DESC, h.id DESC)
        FROM claims_statuschange h WHERE h.claim_id = c.id)
FROM claims_claim c JOIN claims_claimant p ON p.id = c.claimant_id
LEFT JOIN claims_appearance a ON a.claim_id = c.id
LEFT JOIN claims_claimant s ON s.id = a.speaker_id
LEFT JOIN claims_article r ON r.id = a.article_id
LEFT JOIN claims_outlet o ON o.id = r.outlet_id
WHERE c.id = %s
ORDER BY r.published_at, a.id
"""

PAGE_SIZE = 30  # the claims list's page (claims_tracker.claims.views.lists.PAGE_SIZE)

LIST_TEMPLATE = engines["django"].from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>Claims</title></head><body><h1>Claims</h1><ol>
{% for id, text, status, changed, claimed, who, slug in rows %}<li><a href="/claims/{{ id }}/">{{ text }}</a>
<span class="badge badge--{{ status }}">{{ status }}</span> <a href="/claimants/{{ slug }}/">{{ who }}</a>
state set {{ changed|date:"j M Y, H:i" }} UTC, claimed {{ claimed|date:"j M Y" }}</li>
{% endfor %}</ol></body></html>"""
)

CLAIM_TEMPLATE = engines["django"].from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>{{ c.0 }}</title></head><body>
<p>Claim by <a href="/claimants/{{ c.5 }}/">{{ c.4 }}</a></p><h1>{{ c.0 }}</h1>
<p><span class="badge badge--{{ c.1 }}">{{ c.1 }}</span> since {{ c.2|date:"j M Y, H:i" }} UTC</p><ol>
{% for r in rows %}{% if r.6 %}<li data-stance="{{ r.6 }}"><blockquote>{{ r.7 }}</blockquote>{{ r.9 }} {{ r.8 }},
<a href="/articles/{{ r.11 }}/">{{ r.10 }}</a> {{ r.12|date:"j M Y" }}
{% if r.13 %} <a href="{{ r.13 }}">original</a>{% endif %}</li>
{% endif %}{% endfor %}</ol><ol>
{% for h in c.14 %}<li>{{ h.from }} → {{ h.to }} {{ h.at }}: {{ h.why }}</li>{% endfor %}
</ol></body></html>"""
)


def claim_list(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL, [PAGE_SIZE])
        rows = cursor.fetchall()
    return HttpResponse(LIST_TEMPLATE.render({"rows": rows}))


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [pk])
        rows = cursor.fetchall()
    if not rows:
        raise Http404("No such claim.")
    return HttpResponse(CLAIM_TEMPLATE.render({"c": rows[0], "rows": rows}))


urlpatterns = [
    path("bench-fortunes/", claim_list),
    path("bench-fortunes/claims/<int:pk>/", claim_detail),
    path("", include("claims_tracker.urls")),  # the app, as deployed
]
handler400, handler404, handler500 = app_urls.handler400, app_urls.handler404, app_urls.handler500
