"""Sign-in and sign-out pages (session cookie)."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from conflict_service.auth import operations
from conflict_service.auth.session import sign_in, sign_out
from conflict_service.db import db
from conflict_service.security import SIGN_IN_LIMIT, limiter
from conflict_service.web.views import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def login():
    next_url = request.values.get("next")
    if request.method == "GET":
        if g.get("user"):
            return redirect(safe_next(next_url, url_for("claims.home")))
        return render_template("auth/login.html", next=next_url, expired=g.get("session_expired"))
    username = request.form.get("username", "")
    try:
        user = operations.authenticate(username, request.form.get("password", ""))
    except operations.SignInFailed as error:
        db.session.commit()  # keep the failure count and the audit event
        return render_template("auth/login.html", next=next_url, username=username, error=error.message), 401
    db.session.commit()
    sign_in(user)
    return redirect(safe_next(next_url, url_for("claims.home")))


@bp.post("/logout")
def logout():
    sign_out()
    return redirect(url_for("auth.login"))
