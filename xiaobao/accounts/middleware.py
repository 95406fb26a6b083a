from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    """Pages speak Chinese, the platform's language, unless the visitor chose English with the switch.

    A browser's Accept-Language says little about the reader of a Chinese government service (many
    phones and office machines ship set to English), so pages follow only the visitor's own choice,
    kept in Django's language cookie. The API follows Accept-Language, as other systems expect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        self.languages = {code for code, _name in settings.LANGUAGES}

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        translation.activate(language if language in self.languages else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
