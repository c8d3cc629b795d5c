from django.urls import path

from .views import associations, claims, donations, erasures, offers, redeployment, staff

app_name = "reuse"

urlpatterns = [
    path("catalogue/", offers.catalogue, name="catalogue"),
    path("offers/new/", offers.offer_create, name="offer-create"),
    path("offers/<int:pk>/", offers.offer_detail, name="offer-detail"),
    path("offers/<int:pk>/claim/", offers.offer_claim, name="offer-claim"),
    path("offers/<int:pk>/withdraw/", offers.offer_withdraw, name="offer-withdraw"),
    path("claims/", claims.claim_list, name="claim-list"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/<slug:action>/", claims.claim_action, name="claim-action"),
    path("documents/", donations.donation_list, name="donation-list"),
    path("donations/<int:pk>/", donations.donation_detail, name="donation-detail"),
    path("donations/<int:pk>/agreement.pdf", donations.donation_agreement, name="donation-agreement"),
    path("donations/<int:pk>/follow-up/", donations.follow_up, name="follow-up"),
    path("staff-donations/", staff.staff_donation_list, name="staff-donation-list"),
    path("staff-donations/new/", staff.staff_donation_create, name="staff-donation-create"),
    path("staff-donations/<int:pk>/", staff.staff_donation_detail, name="staff-donation-detail"),
    path("staff-donations/<int:pk>/agreement.pdf", staff.staff_donation_agreement, name="staff-donation-agreement"),
    path("erasures/", erasures.erasure_list, name="erasure-list"),
    path("erasures/<int:pk>/", erasures.erasure_detail, name="erasure-detail"),
    path("erasures/<int:pk>/certificate.pdf", erasures.erasure_certificate_pdf, name="erasure-certificate"),
    path("devices/<tag:asset_tag>/erase/", erasures.erasure_create, name="erasure-create"),
    path("devices/<tag:asset_tag>/redeploy/", redeployment.redeploy, name="redeploy"),
    path("redeploy-first/", redeployment.redeploy_first, name="redeploy-first"),
    path("requests/new/", redeployment.request_create, name="request-create"),
    path("requests/<int:pk>/cancel/", redeployment.request_cancel, name="request-cancel"),
    path("associations/", associations.association_list, name="association-list"),
    path("associations/<int:pk>/", associations.association_detail, name="association-detail"),
    path("associations/<int:pk>/<slug:action>/", associations.association_decide, name="association-decide"),
    path("my-association/", associations.my_association, name="my-association"),
    path("apply/", associations.apply, name="apply"),
    path("apply/thanks/", associations.apply_done, name="apply-done"),
]
