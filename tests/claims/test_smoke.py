from tests.factories import ClaimFactory


def test_it_lists_a_claim_on_the_home_page(client, db):
    claim = ClaimFactory(text="Russian forces control Soledar.")
    response = client.get("/")
    assert response.status_code == 200
    assert claim.text in response.content.decode()
