# The reviewer's queue and review page: see the review issue.
