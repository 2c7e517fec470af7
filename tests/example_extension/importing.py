def prepare_notice(page, row, context) -> None:
    """A notice imported without an issuer is issued by its agency."""
    if not page.issuer and page.agency_id:
        page.issuer = page.agency.name
