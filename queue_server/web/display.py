"""The hall display (叫号屏), window screens (窗口屏), the ticket status page and announcements.

Pages are plain HTML + one script each, every byte served from here (no internet on a TV).
Page text comes from the server's gettext catalogs (page_text.py: zh_CN, en, ug), rendered into
the page and handed to its script; Uyghur pages are right to left. The language is the API's
(context.language: ?lang=, else Accept-Language), except that the hall's own screens stay
Chinese unless their address says otherwise. The voice Announcer and the font builder are the
hall's (``Hall.open``).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file

from ..core.languages import AUTONYMS, DEFAULT, TAGS, direction, local_name
from ..core.nearby import NEARBY_MSGID, km_text
from ..core.vocabulary import vocabulary
from ..errors import NotFound, Unavailable
from ..i18n import translate
from ..voice import NotAnnounced, VoiceError
from .context import hall, language, page_services
from .display_font import FAMILY
from .page_text import display_messages

bp = Blueprint(
    "display",
    __name__,
    static_folder="static/display",
    static_url_path="/display/static",
    template_folder="templates",
)


def page_language(browser_choice: bool) -> str:
    """A phone (the status page) gets the API's negotiation; a hall screen (a TV seen by
    everyone) is Chinese unless its address asks for another of the hall's languages."""
    if browser_choice:
        return language()
    lang = request.args.get("lang")
    return lang if lang in hall().settings.hall.languages else DEFAULT


def _page(template: str, browser_choice: bool = False, **context):
    if not current_app.testing:  # unit tests render many pages; only the font route builds there
        hall().display_font.warm()
    lang = page_language(browser_choice)
    s = hall().settings
    return render_template(
        template,
        t=display_messages(lang),
        lang=lang,
        lang_tag=TAGS[lang],
        dir=direction(lang),
        other_languages=[(code, AUTONYMS[code]) for code in s.hall.languages if code != lang],
        hall_name=s.hall.name,
        font_family=FAMILY,
        services=page_services(lang),  # a list: tojson would sort a dict's keys
        voice={"repeat": s.voice.repeat, "chime": s.voice.chime},
        **context,
    )


@bp.get("/display")
def board():
    zone = (request.args.get("zone") or "")[:40]
    return _page("display/board.html", zone=zone)


@bp.get("/display/window/<int:number>")
def window_screen(number: int):
    spec = hall().settings.window(number)
    if spec is None:
        raise NotFound("There is no window {number}.", number=str(number))
    return _page(
        "display/window.html",
        window={"number": spec.number, "name": spec.name, "zone": spec.zone, "room": spec.room},
    )


@bp.get("/t/<ticket_id>")
def ticket_status(ticket_id: str):
    try:
        ticket = hall().queue.get_ticket(ticket_id)
    except NotFound:
        return _page(
            "display/status.html", browser_choice=True, ticket=None, ticket_id="", service_name=""
        ), 404
    # Only what the holder needs; the id is already in the URL, nothing personal is passed.
    public = {
        k: ticket[k]
        for k in (
            "number",
            "service",
            "status",
            "ahead",
            "estimated_wait_s",
            "issued_at",
            "called_at",
            "window",
        )
    }
    svc = hall().settings.service(ticket["service"])
    service_name = local_name(svc.name, page_language(True)) if svc else ticket["service"]
    return _page(
        "display/status.html",
        browser_choice=True,
        ticket=public,
        ticket_id=ticket_id,
        service_name=service_name,
        nearby=_nearby_lines(ticket, page_language(True)),
    )


def _nearby_lines(ticket: dict, lang: str) -> list[str]:
    """Other halls where fewer wait for this service than ahead of this ticket (issue 18)."""
    if ticket["status"] != "waiting" or not isinstance(ticket.get("ahead"), int):
        return []
    return [
        translate(
            NEARBY_MSGID,
            lang,
            name=local_name(h["name"], lang),
            waiting=h["waiting"],
            km=km_text(h["distance_km"]),
        )
        for h in hall().nearby.for_service(ticket["service"], ticket["ahead"])
    ]


@bp.get("/api/v1/vocabulary")
def words():
    """core.vocabulary for the pages, labelled in the caller's language. The words change only
    with the software, so a page may keep the answer: an ETag, an hour's max-age."""
    lang = language()
    response = jsonify({"language": lang} | vocabulary(lambda msgid: translate(msgid, lang)))
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.vary.add("Accept-Language")
    return response.make_conditional(request)


@bp.get("/display/fonts/hallsans.ttf")
def font():
    path = hall().display_font.build()
    if path is None:
        abort(404)
    return send_file(path, mimetype="font/ttf", max_age=7 * 24 * 3600, conditional=True)


@bp.get("/api/v1/announcements/<sqlint:event_id>.wav")
def announcement(event_id: int):
    announcer = hall().announcer
    try:
        found = announcer.for_event(event_id)  # usually prepared already by the announcer thread
    except NotAnnounced:
        raise NotFound("No announcement for event {event_id}.", event_id=str(event_id)) from None
    except VoiceError as exc:
        announcer.faults.report("serving an announcement", exc, f" (event {event_id})")
        raise Unavailable("The announcement could not be rendered; see the server log.") from None
    announcer.faults.recovered("serving an announcement")
    # The sound of an event never changes, so the display may keep it. One bytes body (no file
    # wrapper cut into 8 KB blocks); ranges and If-None-Match are answered from it.
    response = current_app.response_class(found.wav, mimetype="audio/wav")
    response.set_etag(found.key)
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response.make_conditional(request, accept_ranges=True, complete_length=len(found.wav))
