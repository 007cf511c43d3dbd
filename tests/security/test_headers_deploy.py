"""Security headers, cookies, a Content Security Policy without inline code, and a clean
`manage.py check --deploy` with production settings."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "sha256-" not in csp and "unsafe-hashes" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_api_carries_them_too(api):
    response = api.get("/api/v1/subjects/")
    assert response.status_code in (401, 403)
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only_and_same_site(client, customer_a):
    page = client.get(reverse("accounts:login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("accounts:login"), {"username": customer_a.username, "password": "correct-horse-battery"}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


# Known exceptions, each with its reason; anything else inline fails the test.
ALLOWED_INLINE = {
    # A self-contained file the customer downloads and opens offline, never rendered as a page here.
    ("dsr/templates/dsr/export.html", r"<style\b"),
}
def test_no_template_has_inline_script_or_style():
    """CSP forbids inline code: every script and stylesheet is a static file."""
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        # E-mail bodies are never served as pages (and mail clients need inline styles).
        if any(
            part in {"var", ".venv", "node_modules", ".git", "email"}
            for part in template.relative_to(ROOT).parts
        ):
            continue
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=\"", r"\son[a-z]+=\""):
            found = (str(template.relative_to(ROOT)), pattern)
            if re.search(pattern, text, flags=re.IGNORECASE) and found not in ALLOWED_INLINE:
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_deploy_checks_are_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_ALLOW", "TEST_DATABASE"))}
    env.update({
        "DEBUG": "false",
        "SECRET_KEY": "p" * 20 + "-Zq8v!m3Rk#t9Lx2Wn7Yb5Hc4Jd6Fg1Ss0Aa-" + "x" * 20,
        "ALLOWED_HOSTS": "consent.bank.example",
        "CSRF_TRUSTED_ORIGINS": "https://consent.bank.example",
        "SECURE_PROXY_SSL_HEADER": "true",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": "b" * 48,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        # Production sends e-mails and SMS (integrations.W001, W002 otherwise).
        "EMAIL_URL": "smtp+tls://consent:secret@mail.bank.example:587",
        "SMS_GATEWAY_URL": "https://sms.bank.example/send",
        "SMS_SENDER": "NGANHANGMAU",
        "DEFAULT_FROM_EMAIL": "Ngân hàng Mẫu <no-reply@nganhangmau.vn>",
        "BANK_HOTLINE": "1900 1234",
        # ... and links to the portal, not to localhost (integrations.W003).
        "SITE_URL": "https://consent.bank.example",
    })
    env.pop("STAFF_2FA_REQUIRED", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_docs_security_quotes_the_policy_the_pages_send(client):
    """docs/security.md quotes the Content-Security-Policy header verbatim, so it cannot drift again."""
    sent = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    docs = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    quoted = re.search(r"<!-- csp -->\n```\n(?P<policy>.+?)\n```", docs, re.S)

    assert quoted, "docs/security.md must quote the policy between <!-- csp --> and a code block"
    assert sorted(quoted["policy"].replace("\n", " ").split("; ")) == sorted(sent.split("; "))
    assert "allowed by hash" not in docs


@pytest.mark.django_db
def test_the_policy_header_is_built_once_and_follows_the_settings(client, monkeypatch):
    from csp.utils import build_policy as django_csp_build_policy
    from django.test import override_settings

    from core import security_headers

    security_headers._static_policy.cache_clear()
    calls = []
    counted = lambda: calls.append(1) or django_csp_build_policy()  # noqa: E731
    monkeypatch.setattr(security_headers, "build_policy", counted)
    first = client.get("/healthz")["Content-Security-Policy"]
    second = client.get("/healthz")["Content-Security-Policy"]
    assert first == second == django_csp_build_policy()
    assert len(calls) == 1
    stricter = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=stricter):
        assert client.get("/healthz")["Content-Security-Policy"] == "default-src 'none'"
    assert client.get("/healthz")["Content-Security-Policy"] == first


@pytest.mark.django_db
def test_a_view_that_adjusts_the_policy_and_the_exempt_prefix_still_work(client, rf):
    from django.http import HttpResponse

    from core.security_headers import ContentSecurityPolicyMiddleware

    def adjusting_view(request):
        response = HttpResponse("ok")
        response._csp_update = {"form-action": ["https://app.example.com/callback"]}
        return response

    middleware = ContentSecurityPolicyMiddleware(adjusting_view)
    request = rf.get("/portal/")
    middleware.process_request(request)
    header = middleware.process_response(request, adjusting_view(request))["Content-Security-Policy"]
    assert "form-action 'self' https://app.example.com/callback" in header
    assert "Content-Security-Policy" not in client.get("/api/docs/")
