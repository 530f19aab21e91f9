# The organizers' review tools: see the review issue.
