"""Public, server-rendered reader pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Article, Claim, Claimant, Outlet, Story


@require_GET
def claim_list(request):
    claims = selectors.claim_list().order_by("-status_changed_at", "-id")[:50]
    return render(request, "claims/claim_list.html", {"claims": claims})


@require_GET
def claim_detail(request, pk: int):
    claim = get_object_or_404(Claim.objects.only("pk"), pk=pk)
    return render(request, "claims/claim_detail.html", {"claim": selectors.claim_get(pk=claim.pk)})


@require_GET
def claimant_detail(request, slug: str):
    claimant = get_object_or_404(Claimant, slug=slug)
    return render(request, "claims/claimant_detail.html", {"claimant": claimant})


@require_GET
def story_detail(request, slug: str):
    story = get_object_or_404(Story, slug=slug)
    return render(request, "claims/story_detail.html", {"story": story})


@require_GET
def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    return render(request, "claims/article_detail.html", {"article": article})


@require_GET
def outlet_detail(request, slug: str):
    outlet = get_object_or_404(Outlet, slug=slug)
    return render(request, "claims/outlet_detail.html", {"outlet": outlet})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
