import codecs

from django.http import QueryDict


class Utf8FormBodyMiddleware:
    """Undecodable bytes in a form body become U+FFFD, which our text validators refuse.

    When a urlencoded body is not valid UTF-8, Django decodes all of it as ISO-8859-1, so raw
    invalid bytes would pass as plausible but wrong text (b"Caf\\xc3(" read as "CafÃ(").
    Multipart bodies already decode each field with replacement characters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and codecs.lookup(request.encoding or "utf-8").name == "utf-8"
        ):
            try:
                request.body.decode("utf-8")
            except UnicodeDecodeError:
                request.POST = QueryDict(request.body.decode("utf-8", "replace"), encoding="utf-8")
        return self.get_response(request)
