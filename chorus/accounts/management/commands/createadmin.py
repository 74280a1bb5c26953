from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from chorus.accounts.models import Role, User
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction


class Command(BaseCommand):
    help = (
        "Create an administrator account. The password is asked for, or read from "
        "CHORUS_ADMIN_PASSWORD when --no-input is given. The administrator sets up "
        "two-factor authentication at first sign-in."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--email", required=True, help="The administrator's email address (they sign in with it)."
        )
        parser.add_argument("--name", required=True, help="Their full name.")
        parser.add_argument(
            "--no-input", action="store_true", help="Read the password from CHORUS_ADMIN_PASSWORD."
        )

    def handle(self, *args: Any, email: str, name: str, no_input: bool, **options: Any) -> None:
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(
                f"{email!r} is not an email address. Give one like name@example.gov.uk."
            ) from None
        if not name.strip():
            raise CommandError("--name must not be empty.")
        if User.objects.filter(email=email).exists():
            raise CommandError(f"An account with {email} already exists. Nothing was changed.")
        if no_input:
            password = os.environ.get("CHORUS_ADMIN_PASSWORD", "")
            if not password:
                raise CommandError("Set CHORUS_ADMIN_PASSWORD, or leave out --no-input to be asked.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The passwords did not match. Nothing was changed.")
        candidate = User(email=email, full_name=name.strip(), role=Role.ADMINISTRATOR)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError("That password cannot be used: " + " ".join(error.messages)) from None
        with transaction.atomic():
            user = User.objects.create_user(email, password, full_name=name.strip(), role=Role.ADMINISTRATOR)
            audit_record(
                actor=None, action=AuditAction.CREATE, obj=user, detail={"via": "chorus createadmin"}
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {email} created. "
                "They will set up two-factor authentication when they first sign in."
            )
        )
