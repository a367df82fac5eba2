"""`flask --app wsgi branding set`: the vendor's name, currency, accent colour, logo and support address."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from core.branding import BrandError, set_brand
from models.db import Session

branding_cli = AppGroup("branding", help="The vendor's brand.")


@branding_cli.command("set")
@click.option("--name", help="The vendor's name (at most 100 characters).")
@click.option("--currency", help="ISO 4217 code of every amount, e.g. EUR.")
@click.option("--color", help="Accent colour #RRGGBB, at least 4.5:1 contrast on white.")
@click.option("--logo", "logo_path", help="A PNG or SVG file of at most 1 MB.")
@click.option("--support-email", help="The address customers write to for help.")
def set_command(name, currency, color, logo_path, support_email) -> None:
    """Change the parts given; a refused part changes nothing at all."""
    logo = None
    if logo_path is not None:
        path = Path(logo_path)
        if not path.is_file():
            raise click.ClickException(f"The logo file {logo_path} does not exist.")
        logo = (path.name, path.read_bytes())
    try:
        brand = set_brand(name=name, currency=currency, color=color, support_email=support_email, logo=logo)
    except BrandError as exc:
        Session.rollback()
        raise click.ClickException(str(exc)) from None
    Session.commit()
    click.echo(f"Brand: {brand.name}, amounts in {brand.currency}, accent {brand.color}"
               f"{', with a logo' if brand.logo_b64 else ', no logo'}"
               f"{', support ' + brand.support_email if brand.support_email else ''}.")
