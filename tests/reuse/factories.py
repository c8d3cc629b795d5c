"""Factories of reuse rows (shared ones live in tests/factories.py)."""

import factory

from reuse.models import Association, EligibilityCategory, Membership


class EligibilityFactory(factory.django.DjangoModelFactory):
    """The categories come from a data migration; get_or_create survives a transactional flush."""

    class Meta:
        model = EligibilityCategory
        django_get_or_create = ("slug",)

    slug = "school-support"
    name = "Association de soutien scolaire"
    legal_basis = "CG3P art. L. 3212-2 (L. 3212-3 pour les collectivités)"


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Association {n}")
    rna = factory.Sequence(lambda n: f"W38{n:07d}")
    eligibility = factory.SubFactory(EligibilityFactory)
    address = "1 place de la République, 38000 Grenoble"
    contact_name = factory.Sequence(lambda n: f"Contact {n}")
    contact_email = factory.Sequence(lambda n: f"contact{n}@asso.example")
    status = Association.Status.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    association = factory.SubFactory(AssociationFactory)
