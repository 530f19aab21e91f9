# Reviewer teams, criteria, reviews, assignment and conflicts arrive with the review issue.
