from django.urls import path

from . import views

app_name = "reuse"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("offers/new/", views.offer_create, name="offer-create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("offers/<int:pk>/claim/", views.offer_claim, name="offer-claim"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer-withdraw"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/<slug:action>/", views.claim_action, name="claim-action"),
    path("documents/", views.donation_list, name="donation-list"),
    path("donations/<int:pk>/", views.donation_detail, name="donation-detail"),
    path("donations/<int:pk>/agreement.pdf", views.donation_agreement, name="donation-agreement"),
    path("donations/<int:pk>/follow-up/", views.follow_up, name="follow-up"),
    path("erasures/", views.erasure_list, name="erasure-list"),
    path("erasures/<int:pk>/", views.erasure_detail, name="erasure-detail"),
    path("erasures/<int:pk>/certificate.pdf", views.erasure_certificate_pdf, name="erasure-certificate"),
    path("devices/<str:asset_tag>/erase/", views.erasure_create, name="erasure-create"),
    path("devices/<str:asset_tag>/redeploy/", views.redeploy, name="redeploy"),
    path("redeploy-first/", views.redeploy_first, name="redeploy-first"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("associations/", views.association_list, name="association-list"),
    path("associations/<int:pk>/", views.association_detail, name="association-detail"),
    path("associations/<int:pk>/<slug:action>/", views.association_decide, name="association-decide"),
    path("my-association/", views.my_association, name="my-association"),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply-done"),
]
