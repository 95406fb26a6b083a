"""The navigation's questions about the viewer, answered by the rules the pages themselves apply."""

from django import template

from xiaobao.accounts import access

register = template.Library()

register.filter("files_in_own_name", access.files_in_own_name)
register.filter("may_file_complaint", access.may_file_complaint)
