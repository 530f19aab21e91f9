from django import forms


class MultilineTextField(forms.CharField):
    """Text from a <textarea>, with the browser's CRLF line breaks stored as LF.

    Browsers send each line break as two characters; the live counters and the length limits
    count one, as the person sees it.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value
