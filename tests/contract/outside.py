"""The portal as an outside judge drives it: the contract's CLI commands, its JSON API with a token from
`tokens create`, and its pages after signing in through `/login`. Nothing of the portal is imported."""
from __future__ import annotations

import csv
import io

PASSWORD = "a long passphrase nobody guesses 42"


class Outside:
    """CLI and HTTP doors of one portal app."""

    def __init__(self, app):
        self.app = app
        self.runner = app.test_cli_runner()
        self.tokens: dict[str, str] = {}

    def cli(self, *args: str) -> str:
        """Run `flask --app wsgi <args>`; fail with its output unless it exits 0; its stdout."""
        result = self.runner.invoke(args=list(args))
        assert result.exit_code == 0, f"{' '.join(args)} -> {result.exit_code}: {result.output}"
        return result.stdout

    def user(self, email: str, role: str, account: str | None = None) -> str:
        """`users create`; the e-mail."""
        self.cli("users", "create", "--email", email, "--password", PASSWORD, "--role", role,
                 *(["--account", account] if account else []))
        return email

    def token(self, email: str) -> str:
        """A bearer token of that user from `tokens create` (its last line), made once per user."""
        if email not in self.tokens:
            self.tokens[email] = self.cli("tokens", "create", "--email", email).strip().splitlines()[-1].strip()
        return self.tokens[email]

    def get(self, email: str, path: str, **query) -> dict:
        """GET an API path with that user's token; fail unless 200; its JSON."""
        response = self.app.test_client().get(path, query_string=query,
                                              headers={"Authorization": f"Bearer {self.token(email)}"})
        assert response.status_code == 200, f"GET {path} {query} -> {response.status_code}: {response.get_data(as_text=True)[:300]}"
        return response.get_json()

    def post(self, email: str, path: str, body: dict) -> dict:
        """POST JSON to an API path with that user's token; fail unless 200; its JSON."""
        response = self.app.test_client().post(path, json=body, headers={"Authorization": f"Bearer {self.token(email)}"})
        assert response.status_code == 200, f"POST {path} -> {response.status_code}: {response.get_data(as_text=True)[:500]}"
        return response.get_json()

    def page_csv(self, email: str, path: str, **query) -> list[list[str]]:
        """Sign in through /login as that user, GET a CSV page; its rows."""
        client = self.app.test_client()
        signed_in = client.post("/login", data={"email": email, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
        response = client.get(path, query_string=query)
        assert response.status_code == 200, f"GET {path} -> {response.status_code}"
        return list(csv.reader(io.StringIO(response.get_data(as_text=True))))
