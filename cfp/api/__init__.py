"""The CfP's part of the API (/api/v1/): serializers and views next to the models they
expose. Endpoints that must know reviewers (who may see which proposal, blind review) live in
reviews/api, above this layer."""
