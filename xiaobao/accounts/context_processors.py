from django.http import HttpRequest

TEXT_SIZES = ("standard", "large", "larger")


def display(request: HttpRequest) -> dict[str, object]:
    """Elder mode and text size are the visitor's own choice, kept in a cookie and applied on every page."""
    size = request.COOKIES.get("text_size", "standard")
    return {
        "elder_mode": request.COOKIES.get("elder_mode") == "1",
        "text_size": size if size in TEXT_SIZES else "standard",
    }
