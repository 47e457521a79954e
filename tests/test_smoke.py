import pytest

from network.models import Relationship
from tests import factories as f


def test_the_dashboard_shows_an_orphaned_relationship_to_the_coordinator(world, as_user):
    rel = f.make_relationship(world.a, world.faculty_person, world.org, owners=[world.faculty_person])
    Relationship.objects.filter(pk=rel.pk).update(orphaned=True)
    response = as_user(world.coordinator).get("/")
    assert response.status_code == 200
    assert "Buurtwerk De Brug" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
