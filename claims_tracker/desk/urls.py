from django.urls import path

from .views import claims, home, people, reports, triage, verdicts

urlpatterns = [
    path("", home.desk_home, name="desk-home"),
    path("reports/new/", reports.report_add, name="desk-report-add"),
    path("reports/<int:pk>/", reports.report_detail, name="desk-report"),
    path("reports/<int:pk>/progress/", reports.report_progress, name="desk-report-progress"),
    path("triage/", triage.triage_next, name="desk-triage-next"),
    path("triage/<int:pk>/", triage.triage_candidate, name="desk-triage"),
    path("triage/<int:pk>/accept/", triage.triage_accept, name="desk-triage-accept"),
    path("triage/<int:pk>/attach/", triage.triage_attach, name="desk-triage-attach"),
    path("triage/<int:pk>/reject/", triage.triage_reject, name="desk-triage-reject"),
    path("claims/", claims.claim_list, name="desk-claim-list"),
    path("claims/new/", claims.claim_create, name="desk-claim-create"),
    path("claims/<int:pk>/", claims.claim_edit, name="desk-claim-edit"),
    path("claims/<int:pk>/relations/", claims.claim_relate, name="desk-claim-relate"),
    path("claims/<int:pk>/appearances/", claims.claim_appearance_add, name="desk-claim-appearance-add"),
    path("claims/<int:pk>/evidence/", claims.claim_evidence_add, name="desk-claim-evidence-add"),
    path("claims/<int:pk>/status/", verdicts.claim_status, name="desk-claim-status"),
    path("claims/<int:pk>/merge/", verdicts.claim_merge, name="desk-claim-merge"),
    path("claimants/", people.claimant_list, name="desk-claimant-list"),
    path("claimants/new/", people.claimant_create, name="desk-claimant-create"),
    path("claimants/<int:pk>/", people.claimant_edit, name="desk-claimant-edit"),
    path("stories/", people.story_list, name="desk-story-list"),
    path("stories/new/", people.story_create, name="desk-story-create"),
    path("stories/<int:pk>/", people.story_edit, name="desk-story-edit"),
    path("outlets/", people.outlet_list, name="desk-outlet-list"),
    path("outlets/new/", people.outlet_create, name="desk-outlet-create"),
    path("outlets/<int:pk>/", people.outlet_edit, name="desk-outlet-edit"),
]
