from typing import cast

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.registry.models import Authority, Institution


class User(AbstractUser):
    """Everyone who signs in. A user has one role, and staff belong to one organisation."""

    class Role(models.TextChoices):
        CONSUMER = "consumer", _("金融消费者")
        INSTITUTION = "institution", _("金融机构投诉处理人员")
        REGULATOR = "regulator", _("监管部门工作人员")
        MEDIATOR = "mediator", _("调解员")
        ADMIN = "admin", _("系统管理员")

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CONSUMER)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("所属机构")
    )
    authority = models.ForeignKey(
        Authority, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("所属监管部门")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="institution") | models.Q(institution__isnull=False),
                name="institution_staff_have_institution",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="regulator") | models.Q(authority__isnull=False),
                name="regulator_staff_have_authority",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    # Typed for the access checks, which read these only once the role is known: the constraints above
    # guarantee an institution handler's institution and a regulator's authority.
    @property
    def own_institution(self) -> Institution:
        return cast(Institution, self.institution)

    @property
    def own_authority(self) -> Authority:
        return cast(Authority, self.authority)

    @property
    def is_staff_member(self) -> bool:
        """Institution and regulator staff: people who handle complaints, whose reads are audited."""
        return self.role in (self.Role.INSTITUTION, self.Role.REGULATOR, self.Role.ADMIN)
