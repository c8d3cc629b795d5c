import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from config.roles import roles_of
from reuse import services
from reuse.exceptions import ReuseRefused
from reuse.models import Association, EligibilityCategory

from ..factories import AssociationFactory, EligibilityFactory

pytestmark = pytest.mark.django_db


def apply(**overrides):
    data = {
        "name": "Les Claviers Solidaires", "rna": "w381000001", "eligibility": EligibilityFactory(),
        "contact_name": "Inès Roux", "contact_email": "Ines@Claviers.example", "purpose": "Ateliers numériques",
    }
    return services.apply_as_association(**{**data, **overrides})


def test_an_application_is_pending_with_normalised_identifiers():
    association = apply()
    assert association.status == Association.Status.PENDING
    assert association.rna == "W381000001"
    assert association.contact_email == "ines@claviers.example"


def test_an_application_needs_an_rna_or_a_siret():
    with pytest.raises(ValidationError):
        apply(rna="")


def test_a_siret_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        apply(rna="", siret="73282932000075")
    assert "siret" in error.value.message_dict
    assert apply(rna="", siret="73282932000074").siret == "73282932000074"


def test_an_rna_or_siret_already_registered_is_not_recorded_and_not_revealed():
    """The public form must not tell who is a partner: a duplicate gets the answer of a success
    (the caller shows the same "received" page) and nothing is written."""
    first = apply(siret="73282932000074")
    assert apply(name="Doublon") is None
    assert apply(name="Doublon SIRET", rna="", siret="73282932000074") is None
    assert list(Association.objects.values_list("pk", flat=True)) == [first.pk]


def test_staff_only_category_is_not_open_to_applications():
    staff = EligibilityCategory.objects.get_or_create(slug="staff", defaults={
        "name": "Personnels", "legal_basis": "x", "open_to_associations": False})[0]
    with pytest.raises(ValidationError):
        apply(eligibility=staff)


def test_approval_opens_an_account_without_password_for_the_contact(buyer):
    association = apply()
    services.approve_association(association=association, actor=buyer)
    association.refresh_from_db()
    assert association.status == Association.Status.APPROVED
    user = get_user_model().objects.get(email="ines@claviers.example")
    assert not user.has_usable_password()
    assert user.association_membership.association == association
    assert roles_of(user) == {"association"}


def test_approving_twice_is_refused(buyer):
    association = AssociationFactory()
    with pytest.raises(ReuseRefused):
        services.approve_association(association=association, actor=buyer)


def test_suspension_needs_a_reason_and_can_be_lifted(buyer):
    association = AssociationFactory()
    with pytest.raises(ValidationError):
        services.suspend_association(association=association, actor=buyer, reason=" ")
    services.suspend_association(association=association, actor=buyer, reason="Statuts à jour ?")
    assert association.status == Association.Status.SUSPENDED
    services.approve_association(association=association, actor=buyer, create_account=False)
    assert association.status == Association.Status.APPROVED


def test_an_account_acts_for_one_association_only():
    from ..conftest import make_member

    user = make_member(username="solo")
    with pytest.raises(ValidationError):
        services.add_member(association=AssociationFactory(), user=user)
