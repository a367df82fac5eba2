"""Security tests: API fuzzing, XSS payloads, dependency audit."""
