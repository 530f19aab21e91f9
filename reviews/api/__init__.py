"""The API's endpoints that depend on review: proposals, speakers and events as each role may
see them (organizers, reviewers with blind review applied, speakers, the public), reviews and
their stored figures."""
