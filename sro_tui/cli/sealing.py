"""`sro seal DISTRICT_ID --order N --reason T --as BADGE` (a supervisor) and `sro unseal
DISTRICT_ID --reason T --as BADGE` (an administrator): court-ordered sealing of a juvenile's
records (W&I 781, 786, 786.5). While sealed, the student's records are out of every list,
search, timeline and export, for everyone; aggregate statistics still count them."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from ..domain.errors import SroError
from ..domain.validation import first_message
from ..services.sealing import SealingService, SealOrder, UnsealOrder
from .common import open_from, sign_in


def register(subparsers: argparse._SubParsersAction) -> None:
    seal = subparsers.add_parser(
        "seal", help="seal a student's records on a court order (supervisors)"
    )
    seal.add_argument("district_id", metavar="DISTRICT_ID")
    seal.add_argument("--order", required=True, metavar="N", help="the court order's number")
    seal.add_argument("--reason", required=True, help="e.g. 'W&I 786 dismissal'")
    _add_as(seal)
    seal.set_defaults(func=cmd_seal)

    unseal = subparsers.add_parser(
        "unseal", help="lift the seal on a student's records (administrators)"
    )
    unseal.add_argument("district_id", metavar="DISTRICT_ID")
    unseal.add_argument("--reason", required=True, help="why (e.g. the order was vacated)")
    _add_as(unseal)
    unseal.set_defaults(func=cmd_unseal)


def _add_as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="as_badge", required=True, metavar="BADGE")
    parser.add_argument("--password-stdin", action="store_true")


def cmd_seal(args: argparse.Namespace) -> int:
    try:
        order = SealOrder(order_number=args.order, reason=args.reason)
    except ValidationError as exc:
        raise SroError(first_message(exc, SealOrder)) from exc
    store = open_from(args)
    try:
        actor = sign_in(store, args, args.as_badge)
        services = store.services
        done = SealingService(services.ctx, services.audit).seal(actor, args.district_id, order)
    finally:
        store.close()
    print(f"{done.district_id}: records sealed (order {done.order_number})")
    return 0


def cmd_unseal(args: argparse.Namespace) -> int:
    try:
        order = UnsealOrder(reason=args.reason)
    except ValidationError as exc:
        raise SroError(first_message(exc, UnsealOrder)) from exc
    store = open_from(args)
    try:
        actor = sign_in(store, args, args.as_badge)
        services = store.services
        done = SealingService(services.ctx, services.audit).unseal(actor, args.district_id, order)
    finally:
        store.close()
    print(f"{done.district_id}: seal lifted (order {done.order_number})")
    return 0
