"""Something to see with an update: a screenshot or mockup, or a link to a staging site or a
video. Added to a draft before it is sent; the email carries the images inline and the links, and
the portal shows them beside the update."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comms.models import Update, UpdateVisual

# Mail providers refuse a message above ~10 MB; a screenshot is far below this.
LARGEST_IMAGE = 5 * 1024 * 1024


@transaction.atomic
def add_visual(update, *, caption, now, image=None, link=""):
    update = Update.objects.select_for_update().get(pk=update.pk)
    if update.state not in (Update.State.DRAFT, Update.State.OVERDUE):
        raise ValidationError(_("This update is no longer a draft: what was sent stays as it was sent."))
    if image is not None and image.size > LARGEST_IMAGE:
        raise ValidationError(
            {"image": _("The image is %(size)s KB; keep it under 5 MB.") % {"size": image.size // 1024}}
        )
    visual = UpdateVisual(update=update, caption=caption, link=link, added_at=now)
    if image is not None:
        visual.image = image
    visual.full_clean()
    visual.save()
    return visual


@transaction.atomic
def remove_visual(visual):
    if visual.update.state not in (Update.State.DRAFT, Update.State.OVERDUE):
        raise ValidationError(_("This update is no longer a draft: what was sent stays as it was sent."))
    visual.image.delete(save=False)
    visual.delete()
