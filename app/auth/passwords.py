"""Password hashing (PBKDF2-SHA256) and the password policy (zxcvbn's guessability estimate)."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from zxcvbn import zxcvbn

from app.errors import Invalid

_ITERATIONS = 200_000
MIN_LENGTH = 10
MAX_LENGTH = 256
# zxcvbn scores 0-4; 2 = "protection from unthrottled online attacks" (under 10^8 guesses is refused);
# sign-in is throttled to 10 tries per 15 minutes and hashes are PBKDF2 with 200,000 rounds.
MIN_SCORE = 2


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ITERATIONS).hex()
    return f"pbkdf2_sha256${_ITERATIONS}${salt}${digest}"


# Checked against when the user name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


def check_password(stored: str | None, password: str) -> bool:
    try:
        _algo, iterations, salt, digest = (stored or _DUMMY_HASH).split("$")
        rounds = int(iterations)
    except ValueError:
        _algo, _rounds, salt, digest = _DUMMY_HASH.split("$")
        rounds = _ITERATIONS
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), rounds).hex()
    return bool(stored) and hmac.compare_digest(candidate, digest)


def check_policy(password: str, username: str, display_name: str | None = None) -> None:
    """Refuse passwords that are short or easy to guess (common words, keyboard runs, the user's own name)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"at least {MIN_LENGTH} characters (密码至少 {MIN_LENGTH} 位)")
    elif len(password) > MAX_LENGTH:
        problems.append(f"at most {MAX_LENGTH} characters")
    else:
        estimate = zxcvbn(password[:100], user_inputs=[v for v in (username, display_name) if v])
        if estimate["score"] < MIN_SCORE:
            hint = estimate["feedback"].get("warning") or " ".join(estimate["feedback"].get("suggestions") or [])
            problems.append(f"too easy to guess (密码太容易被猜到){': ' + hint if hint else ''}")
    if problems:
        raise Invalid("the password does not meet the policy: " + "; ".join(problems), {"password": problems})
