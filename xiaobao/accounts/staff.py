"""An organisation's own administrator opens and closes its staff accounts (本单位账户管理员).

An institution's administrator manages the handlers of that institution, a regulator's administrator the
staff of that department; nobody else's: an account of another organisation answers like one that does not
exist. A deactivated account is signed out at once (the authentication backend refuses an inactive user on
its next request, so every session of it ends) and its API tokens are revoked (accounts.signals). The audit
trail records both changes with the administrator's name (audit.signals, on the user's permission fields).
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.accounts.access import user_of
from xiaobao.accounts.forms import StaffAccountForm
from xiaobao.accounts.models import User
from xiaobao.core.pages import forbidden

# Readable, without look-alike characters: given to the clerk once, who changes it after the first sign-in.
INITIAL_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"  # noqa: S105
INITIAL_PASSWORD_LENGTH = 14


def manages_staff(user: User) -> bool:
    return (
        user.is_active
        and user.manages_staff
        and (
            (user.role == User.Role.INSTITUTION and user.institution_id is not None)
            or (user.role == User.Role.REGULATOR and user.authority_id is not None)
        )
    )


def staff_of(admin: User) -> QuerySet[User]:
    """The accounts of the administrator's own organisation."""
    if not manages_staff(admin):
        return User.objects.none()
    if admin.role == User.Role.INSTITUTION:
        return User.objects.filter(role=User.Role.INSTITUTION, institution=admin.own_institution)
    return User.objects.filter(role=User.Role.REGULATOR, authority=admin.own_authority)


def get_staff_account_for(admin: User, pk: int) -> User:
    """A staff account the administrator may manage; another organisation's answers like a missing one."""
    account = staff_of(admin).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


@transaction.atomic
def staff_account_create(*, by: User, username: str, display_name: str, email: str) -> tuple[User, str]:
    """A new account in the administrator's organisation and its initial password (shown once)."""
    if not manages_staff(by):
        raise PermissionDenied
    password = "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _i in range(INITIAL_PASSWORD_LENGTH))
    account = User.objects.create_user(
        username,
        email=email,
        password=password,
        role=by.role,
        institution=by.institution if by.role == User.Role.INSTITUTION else None,
        authority=by.authority if by.role == User.Role.REGULATOR else None,
        display_name=display_name.strip(),
    )
    return account, password


@transaction.atomic
def staff_account_deactivate(*, account: User, by: User) -> User:
    """Close an account of the administrator's organisation: its sessions and tokens end at once."""
    account = User.objects.select_for_update().get(pk=get_staff_account_for(by, account.pk).pk)
    if account.pk == by.pk:
        raise PermissionDenied
    account.is_active = False
    account.save(update_fields=["is_active"])
    return account


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    admin = user_of(request)
    if not manages_staff(admin):
        return forbidden(request, _("只有本单位账户管理员可以管理工作人员账户。"))
    form = StaffAccountForm()
    created = request.session.pop("xiaobao_new_staff", None)
    accounts = staff_of(admin).order_by("-is_active", "username")
    organisation = admin.institution if admin.role == User.Role.INSTITUTION else admin.authority
    return render(
        request,
        "accounts/staff.html",
        {"accounts": accounts, "form": form, "created": created, "organisation": organisation},
    )


@login_required
@require_POST
def staff_create(request: HttpRequest) -> HttpResponse:
    admin = user_of(request)
    if not manages_staff(admin):
        return forbidden(request, _("只有本单位账户管理员可以管理工作人员账户。"))
    form = StaffAccountForm(request.POST)
    if not form.is_valid():
        accounts = staff_of(admin).order_by("-is_active", "username")
        organisation = admin.institution if admin.role == User.Role.INSTITUTION else admin.authority
        return render(
            request,
            "accounts/staff.html",
            {"accounts": accounts, "form": form, "created": None, "organisation": organisation},
            status=400,
        )
    account, password = staff_account_create(
        by=admin,
        username=form.cleaned_data["username"],
        display_name=form.cleaned_data["display_name"],
        email=form.cleaned_data["email"],
    )
    request.session["xiaobao_new_staff"] = {"username": account.username, "password": password}
    return redirect("accounts:staff")


@login_required
@require_POST
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    admin = user_of(request)
    account = get_staff_account_for(admin, pk)
    if account.pk == admin.pk:
        return forbidden(request, _("不能停用自己的账户。"))
    staff_account_deactivate(account=account, by=admin)
    messages.success(
        request, _("账户 %(username)s 已停用，其登录和接口令牌已立即失效。") % {"username": account.username}
    )
    return redirect("accounts:staff")
