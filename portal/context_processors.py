import time

from django.urls import NoReverseMatch, reverse

from accounts.sessions import session_time_left
from core.navigation import menu_active, menu_for, menu_grouped
from core.roles import Role, user_role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user_role(user)
    area = "me" if role == Role.CUSTOMER else "portal"
    items = []
    for item in menu_for(user, area):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "icon": item.icon, "group": item.group,
                      "count": item.count(user) if item.count else 0})
    active = menu_active(request.path, [item["url"] for item in items])
    for item in items:
        item["active"] = item["url"] == active
    return {
        "nav_items": items,
        "nav_groups": menu_grouped(items),
        "user_role": role,
        "user_role_label": Role(role).label if role else "",
        "session_time_left": session_time_left(request.session, user, now=time.time()),
    }
