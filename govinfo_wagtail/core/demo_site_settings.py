"""The demo's footer identifiers: plausible values of a county portal, filled only where a
field is still empty (running the demo again never overwrites what an administrator set)."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Site

from .site_settings import PublicSiteSettings

DEMO_FOOTER = {
    "portal_name": "海丰县人民政府",
    "sponsor": "海丰县人民政府办公室",
    "organiser": "海丰县政务服务数据管理局",
    "site_code": "4415210001",
    "icp_number": "粤ICP备05012345号",
    "police_number": "粤公网安备 44152102000001号",
    "conac_url": "https://bszs.conac.cn/sitename?method=show&id=0000000000000000",
    "contact_address": "广东省汕尾市海丰县海城镇人民路1号",
    "contact_phone": "0660-6612345",
    "contact_email": "hfxzf@example.gov.cn",
}
MARK_TITLE = "党政机关网站标识（示例）"


def _demo_mark():
    """A stand-in for the registration body's mark (a red seal shape, labelled 示例): the
    real image comes with the site's registration."""
    Image = get_image_model()
    existing = Image.objects.filter(title=MARK_TITLE).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", (110, 110), "white")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((5, 5, 105, 105), fill="#c8161d")
    draw.ellipse((18, 18, 92, 92), outline="white", width=4)
    draw.regular_polygon((55, 55, 20), 5, rotation=-90, fill="#ffd200")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return Image.objects.create(title=MARK_TITLE,
                                file=ImageFile(buffer, name="conac-mark-demo.png"))


def fill_demo_site_settings(site: Site, log=print) -> PublicSiteSettings:
    config = PublicSiteSettings.for_site(site)
    changed = [field for field, value in DEMO_FOOTER.items() if not getattr(config, field)]
    for field in changed:
        setattr(config, field, DEMO_FOOTER[field])
    if config.conac_mark_id is None:
        config.conac_mark = _demo_mark()
        changed.append("conac_mark")
    if changed:
        config.save()
        log(f"Public site settings: {', '.join(changed)} filled")
    return config
