from django.db.models import Avg, Expression, F, FloatField
from django.db.models.functions import Abs, Sqrt


class ReviewMedian(Expression):
    """The median review score of each proposal row, as a correlated subquery.

    Window functions make it the same statistic on PostgreSQL and SQLite (3.25+): the middle
    value, or the mean of the two middle values for an even count.
    """

    output_field = FloatField()
    contains_aggregate = False

    def __init__(self, proposal=None):
        super().__init__(output_field=FloatField())
        self.proposal = proposal if proposal is not None else F("pk")

    def get_source_expressions(self):
        return [self.proposal]

    def set_source_expressions(self, exprs):
        (self.proposal,) = exprs

    def get_group_by_cols(self):
        return []

    def as_sql(self, compiler, connection):
        from reviews.models import Review

        proposal_sql, params = compiler.compile(self.proposal)
        table = connection.ops.quote_name(Review._meta.db_table)
        # Only a quoted table name and a compiled column go into the text; values are params.
        sql = (
            "(SELECT AVG(m.score) FROM (SELECT r.score AS score, "  # noqa: S608
            "ROW_NUMBER() OVER (ORDER BY r.score) AS rn, COUNT(*) OVER () AS cnt "
            f"FROM {table} r WHERE r.proposal_id = {proposal_sql}) m "
            "WHERE m.rn IN ((m.cnt + 1) / 2, (m.cnt + 2) / 2))"
        )
        return sql, params


def population_stddev(field: str):
    """Population standard deviation by one formula on every database.

    sqrt(|mean(x²) − mean(x)²|): the absolute value only absorbs rounding just below zero
    (GREATEST would not do: PostgreSQL's skips NULLs, SQLite's returns NULL). NULL for no
    rows on both (SQLite's STDDEV_POP fails on an empty group, PostgreSQL's returns NULL).
    """
    value = F(field)
    mean_of_squares = Avg(value * value, output_field=FloatField())
    square_of_mean = Avg(value, output_field=FloatField()) * Avg(value, output_field=FloatField())
    return Sqrt(Abs(mean_of_squares - square_of_mean))
